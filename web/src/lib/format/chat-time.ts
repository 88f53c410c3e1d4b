import type { LocaleCode } from '../i18n/locales.ts';
import { stationParts, stationZone } from './station-zone.ts';

/** Where a moment lies relative to today, for labels such as 今天 / 昨天. */
export type DayRelation = 'today' | 'yesterday' | 'earlier';

/** Days since 1970-01-01 of the station-zone calendar day a moment falls on. */
function stationDayNumber(ms: number): number {
  const p = stationParts(ms);
  return Date.UTC(p.year, p.month - 1, p.day) / 86_400_000;
}

/** Whether a moment falls on today, yesterday, or before, by the station's calendar. */
export function dayRelation(ms: number, now: number): DayRelation {
  const days = stationDayNumber(now) - stationDayNumber(ms);
  if (days <= 0) return 'today';
  if (days === 1) return 'yesterday';
  return 'earlier';
}

/** Time of day, 24-hour ("09:30"), in the station's zone. */
export function formatClock(ms: number, code: LocaleCode): string {
  return new Intl.DateTimeFormat(code, {
    timeZone: stationZone(),
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(ms);
}

/** A calendar day with its weekday ("11月20日 星期五"), the year only when it is not this year's. */
export function formatDay(ms: number, code: LocaleCode, now: number): string {
  const sameYear = stationParts(ms).year === stationParts(now).year;
  return new Intl.DateTimeFormat(code, {
    timeZone: stationZone(),
    year: sameYear ? undefined : 'numeric',
    month: 'short',
    day: 'numeric',
    weekday: 'short',
  }).format(ms);
}

/** A short date for lists ("11/20"), in the station's zone. */
export function formatShortDay(ms: number, code: LocaleCode): string {
  return new Intl.DateTimeFormat(code, { timeZone: stationZone(), month: 'numeric', day: 'numeric' }).format(ms);
}
