/** A local calendar date and time in a time zone (month 1–12, weekday 1 = Monday … 7 = Sunday). */
export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  weekday: number;
}

/** [start, end) in UTC milliseconds. */
export interface Period {
  start: number;
  end: number;
}

export type PeriodKind = 'daily' | 'weekly' | 'monthly';

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(tz, f);
  }
  return f;
}
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** The local calendar reading of an instant in `tz`. */
export function localTime(ms: number, tz: string): LocalTime {
  const parts = Object.fromEntries(
    formatter(tz)
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: WEEKDAYS[parts.weekday!]!,
  };
}

/** Offset of `tz` from UTC at an instant, in ms (Asia/Shanghai: +8 h). */
function offsetAt(ms: number, tz: string): number {
  const t = localTime(ms, tz);
  const seconds = new Date(ms).getUTCSeconds();
  return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, seconds) - (ms - (ms % 1000));
}

/**
 * The instant a local wall-clock time happens in `tz`. Day and month may overflow (day 0, month
 * 13): they are normalised as Date.UTC does. Gaps and repeats of daylight-saving changes resolve
 * to the later offset, which is all reports need.
 */
export function fromLocal(tz: string, year: number, month: number, day: number, hour = 0, minute = 0): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  let guess = wall - offsetAt(wall, tz);
  guess = wall - offsetAt(guess, tz);
  return guess;
}

/** The local date `YYYY-MM-DD` of an instant. */
export function localDate(ms: number, tz: string): string {
  const t = localTime(ms, tz);
  return `${t.year}-${String(t.month).padStart(2, '0')}-${String(t.day).padStart(2, '0')}`;
}

/** The day, week (Monday first) or month that holds the instant, cut in `tz`. */
export function periodOf(kind: PeriodKind, ms: number, tz: string): Period {
  const t = localTime(ms, tz);
  if (kind === 'daily')
    return { start: fromLocal(tz, t.year, t.month, t.day), end: fromLocal(tz, t.year, t.month, t.day + 1) };
  if (kind === 'weekly') {
    const monday = t.day - (t.weekday - 1);
    return { start: fromLocal(tz, t.year, t.month, monday), end: fromLocal(tz, t.year, t.month, monday + 7) };
  }
  return { start: fromLocal(tz, t.year, t.month, 1), end: fromLocal(tz, t.year, t.month + 1, 1) };
}

/** The last period of this kind that is over at `now`. */
export function lastCompleted(kind: PeriodKind, now: number, tz: string): Period {
  const current = periodOf(kind, now, tz);
  return periodOf(kind, current.start - 1, tz);
}

/** The period just before this one (环比). */
export function previousPeriod(kind: PeriodKind | 'briefing', p: Period, tz: string): Period {
  if (kind === 'briefing') return { start: p.start - (p.end - p.start), end: p.start };
  return periodOf(kind, p.start - 1, tz);
}

/**
 * The same period one year earlier (同比): the same local dates and times for a day, a briefing's
 * 24 hours or a month (29 February falls back to the 28th); for a week, the week 52 weeks
 * earlier, so it starts on a Monday too.
 */
export function lastYearPeriod(kind: PeriodKind | 'briefing', p: Period, tz: string): Period {
  if (kind === 'weekly') return { start: p.start - 364 * 86_400_000, end: p.end - 364 * 86_400_000 };
  const shift = (ms: number) => {
    const t = localTime(ms, tz);
    const lastDay = new Date(Date.UTC(t.year - 1, t.month, 0)).getUTCDate();
    return fromLocal(tz, t.year - 1, t.month, Math.min(t.day, lastDay), t.hour, t.minute);
  };
  if (kind === 'monthly') {
    const t = localTime(p.start, tz);
    return { start: fromLocal(tz, t.year - 1, t.month, 1), end: fromLocal(tz, t.year - 1, t.month + 1, 1) };
  }
  return { start: shift(p.start), end: shift(p.end) };
}

/** The latest daily briefing time `HH:MM` at or before `now`: the end of the briefing's 24 hours. */
export function latestSlot(briefingTime: string, now: number, tz: string): number {
  const [h, m] = briefingTime.split(':').map(Number) as [number, number];
  const t = localTime(now, tz);
  const today = fromLocal(tz, t.year, t.month, t.day, h, m);
  return today <= now ? today : fromLocal(tz, t.year, t.month, t.day - 1, h, m);
}

/** The instant of a local date `YYYY-MM-DD` at midnight in `tz`. */
export function parseLocalDate(date: string, tz: string): number {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  return fromLocal(tz, y, mo, d);
}
