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

/** 我的: the person's own page (profile, connection, password, devices, sign-out), last everywhere. */
export const MINE_HREF = '/account';

/** The sections a role may use, in the desk's order. */
export function navSections(role: Role): NavSection[] {
  const all: (NavSection & { show: boolean })[] = [
    // Only the station head has a page at `/` (the overview); everyone else lands on their work.
    { href: '/', key: 'shell.nav_overview', show: role === 'station_head' },
    { href: '/command', key: 'shell.nav_command', show: canDispatch(role) },
    { href: '/incidents', key: 'shell.nav_incidents', show: canDispatch(role) },
    { href: '/orders', key: 'shell.nav_orders', show: canReceive(role) },
    { href: '/groups', key: 'shell.nav_groups', show: true },
    { href: '/hotline', key: 'hotline.nav', show: usesHotline(role) },
    { href: '/reports', key: 'shell.nav_reports', show: canDispatch(role) },
    { href: '/admin', key: 'admin.nav', show: canAdminister(role) },
    { href: MINE_HREF, key: 'shell.nav_mine', show: role !== 'bot' },
  ];
  return all.filter((s) => s.show).map(({ href, key }) => ({ href, key }));
}

/** What each role reaches for first on a phone; sections not listed follow in the desk's order. */
const PHONE_PRIORITY: Partial<Record<Role, readonly string[]>> = {
  officer: ['/orders', '/groups', '/hotline'],
  auxiliary: ['/orders', '/groups', '/hotline'],
  grid_worker: ['/orders', '/groups', '/hotline'],
  dispatcher: ['/command', '/incidents', '/groups'],
  station_head: ['/', '/hotline', '/command'],
  admin: ['/admin', '/command', '/incidents'],
  resident: ['/hotline', '/groups'],
};

/**
 * A phone's bottom bar: the role's sections in its priority order, all as tabs when they fit,
 * otherwise the first three, then 我的 (always a tab, as phone apps have it), and the rest behind 更多.
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
  const mine = ordered.filter((s) => s.href === MINE_HREF);
  const rest = ordered.filter((s) => s.href !== MINE_HREF);
  const kept = MAX_TABS - 1 - mine.length;
  return { tabs: [...rest.slice(0, kept), ...mine], more: rest.slice(kept) };
}

/** Whether `href` is the section the path belongs to. */
export function isCurrent(href: string, path: string): boolean {
  return href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`);
}
