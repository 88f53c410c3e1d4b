import type { Role } from '@fengqiao/hub/protocol';
import { canAdminister, canDispatch, canReceive, usesHotline } from '../auth/roles.ts';
import type { MessageKey } from '../i18n/index.ts';

/** One place in the app the navigation leads to. */
export interface NavSection {
  href: string;
  key: MessageKey;
}

/** How many tabs a phone's bottom bar holds; with more sections, one fewer plus 更多. */
export const MAX_TABS = 5;

/** The sections a role may use, in the desk's order (home first). */
export function navSections(role: Role): NavSection[] {
  const all: (NavSection & { show: boolean })[] = [
    // A resident's home redirects to their letters: 所长热线 already leads there.
    { href: '/', key: 'shell.nav_home', show: role !== 'resident' },
    { href: '/command', key: 'shell.nav_command', show: canDispatch(role) },
    { href: '/incidents', key: 'shell.nav_incidents', show: canDispatch(role) },
    { href: '/orders', key: 'shell.nav_orders', show: canReceive(role) },
    { href: '/groups', key: 'shell.nav_groups', show: true },
    { href: '/hotline', key: 'hotline.nav', show: usesHotline(role) },
    { href: '/reports', key: 'shell.nav_reports', show: canDispatch(role) },
    { href: '/admin', key: 'admin.nav', show: canAdminister(role) },
  ];
  return all.filter((s) => s.show).map(({ href, key }) => ({ href, key }));
}

/** What each role reaches for first on a phone; sections not listed follow in the desk's order. */
const PHONE_PRIORITY: Partial<Record<Role, readonly string[]>> = {
  officer: ['/orders', '/groups', '/hotline', '/'],
  auxiliary: ['/orders', '/groups', '/hotline', '/'],
  grid_worker: ['/orders', '/groups', '/hotline', '/'],
  dispatcher: ['/command', '/incidents', '/groups', '/orders'],
  station_head: ['/hotline', '/reports', '/command', '/groups'],
  admin: ['/admin', '/command', '/incidents', '/groups'],
  resident: ['/hotline', '/groups'],
};

/**
 * A phone's bottom bar: the role's sections in its priority order, all as tabs when they fit,
 * otherwise the first four as tabs and the rest behind 更多.
 */
export function phoneTabs(role: Role): { tabs: NavSection[]; more: NavSection[] } {
  const priority = PHONE_PRIORITY[role] ?? [];
  const rank = (s: NavSection) => {
    const i = priority.indexOf(s.href);
    return i === -1 ? priority.length : i;
  };
  const ordered = navSections(role)
    .map((s, i) => ({ s, i }))
    .sort((a, b) => rank(a.s) - rank(b.s) || a.i - b.i)
    .map(({ s }) => s);
  if (ordered.length <= MAX_TABS) return { tabs: ordered, more: [] };
  return { tabs: ordered.slice(0, MAX_TABS - 1), more: ordered.slice(MAX_TABS - 1) };
}

/** Whether `href` is the section the path belongs to. */
export function isCurrent(href: string, path: string): boolean {
  return href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`);
}
