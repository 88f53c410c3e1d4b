import type { LocaleCode } from '../i18n/locales.ts';

/** Where a moment lies relative to today, for labels such as 今天 / 昨天. */
export type DayRelation = 'today' | 'yesterday' | 'earlier';

function startOfDay(ms: number): number {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** Whether a moment falls on the viewer's today, yesterday, or before. */
export function dayRelation(ms: number, now: number): DayRelation {
  const today = startOfDay(now);
  if (ms >= today) return 'today';
  if (ms >= startOfDay(today - 1)) return 'yesterday';
  return 'earlier';
}

/** Time of day, 24-hour ("09:30"). */
export function formatClock(ms: number, code: LocaleCode): string {
  return new Intl.DateTimeFormat(code, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms);
}

/** A calendar day with its weekday ("11月20日 星期五"), the year only when it is not this year's. */
export function formatDay(ms: number, code: LocaleCode, now: number): string {
  const sameYear = new Date(ms).getFullYear() === new Date(now).getFullYear();
  return new Intl.DateTimeFormat(code, {
    year: sameYear ? undefined : 'numeric',
    month: 'short',
    day: 'numeric',
    weekday: 'short',
  }).format(ms);
}

/** A short date for lists ("11/20"). */
export function formatShortDay(ms: number, code: LocaleCode): string {
  return new Intl.DateTimeFormat(code, { month: 'numeric', day: 'numeric' }).format(ms);
}
