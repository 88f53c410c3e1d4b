import { describe, expect, it } from 'vitest';
import { ROLES } from '@fengqiao/hub/protocol';
import { navSections } from '../nav/nav-sections.ts';
import { homePath } from './home-path.ts';

describe('homePath', () => {
  it('sends officers to their inbox and dispatchers to the command desk', () => {
    expect(homePath('officer')).toBe('/orders');
    expect(homePath('dispatcher')).toBe('/command');
  });

  it('is always a section the role may open', () => {
    for (const role of ROLES.filter((r) => r !== 'bot')) {
      expect(navSections(role).map((s) => s.href)).toContain(homePath(role));
    }
  });
});
