import { describe, expect, it } from 'vitest';
import { ROLES } from '@fengqiao/hub/protocol';
import { MAX_TABS, isCurrent, navSections, phoneTabs } from './nav-sections.ts';

const hrefs = (list: { href: string }[]) => list.map((s) => s.href);

describe('phone tabs', () => {
  it('put each role first where it works', () => {
    expect(hrefs(phoneTabs('officer').tabs)).toEqual(['/orders', '/groups', '/hotline', '/account']);
    expect(phoneTabs('officer').more).toEqual([]);
    expect(hrefs(phoneTabs('dispatcher').tabs)).toEqual(['/command', '/incidents', '/groups', '/account']);
    expect(hrefs(phoneTabs('dispatcher').more)).toEqual(['/orders', '/hotline', '/reports']);
    expect(hrefs(phoneTabs('station_head').tabs)).toEqual(['/', '/hotline', '/command', '/account']);
    expect(hrefs(phoneTabs('station_head').more)).toEqual(['/incidents', '/orders', '/groups', '/reports', '/admin']);
    expect(hrefs(phoneTabs('admin').tabs)).toEqual(['/admin', '/command', '/incidents', '/account']);
    expect(hrefs(phoneTabs('resident').tabs)).toEqual(['/hotline', '/groups', '/account']);
  });

  it('give only the station head a page at home, and everyone 我的', () => {
    for (const role of ROLES) {
      expect(hrefs(navSections(role)).includes('/')).toBe(role === 'station_head');
      if (role !== 'bot') expect(hrefs(navSections(role)).at(-1)).toBe('/account');
    }
  });

  it('leave no section out and none twice, and fit the bar', () => {
    for (const role of ROLES) {
      const { tabs, more } = phoneTabs(role);
      expect(hrefs([...tabs, ...more]).sort()).toEqual(hrefs(navSections(role)).sort());
      expect(tabs.length + (more.length > 0 ? 1 : 0)).toBeLessThanOrEqual(MAX_TABS);
    }
  });
});

describe('isCurrent', () => {
  it('matches a section and its pages, home only itself', () => {
    expect(isCurrent('/groups', '/groups/abc')).toBe(true);
    expect(isCurrent('/groups', '/groupsx')).toBe(false);
    expect(isCurrent('/', '/orders')).toBe(false);
    expect(isCurrent('/', '/')).toBe(true);
  });
});
