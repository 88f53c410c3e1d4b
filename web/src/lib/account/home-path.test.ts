import { describe, expect, it } from 'vitest';
import { ROLES } from '@fengqiao/hub/protocol';
import { navSections } from '../nav/nav-sections.ts';
import { homePath } from './home-path.ts';

describe('homePath', () => {
  it('lands each role where its work is', () => {
    expect(homePath('officer')).toBe('/orders');
    expect(homePath('dispatcher')).toBe('/command');
    expect(homePath('station_head')).toBe('/');
    expect(homePath('admin')).toBe('/admin');
    expect(homePath('resident')).toBe('/hotline');
  });

  it('is always a section the role may open', () => {
    for (const role of ROLES.filter((r) => r !== 'bot')) {
      expect(navSections(role).map((s) => s.href)).toContain(homePath(role));
    }
  });
});
