import type { IncidentDay } from '../protocol/index.ts';
import { fromLocal, localDate, localTime, type Period } from './local-period.ts';

/** The local dates `YYYY-MM-DD` that [start, end) touches in `tz`, in order. */
export function localDates(period: Period, tz: string): string[] {
  const dates: string[] = [];
  const t = localTime(period.start, tz);
  for (let d = 0; ; d++) {
    const midnight = fromLocal(tz, t.year, t.month, t.day + d);
    if (d > 0 && midnight >= period.end) break;
    dates.push(localDate(Math.max(midnight, period.start), tz));
  }
  return dates;
}

/**
 * Incidents per local date of the period, every date present and every given category keyed
 * on each (zeros included). Rows outside the period are ignored.
 */
export function dailySeries(
  rows: { at: number; category: string }[],
  period: Period,
  tz: string,
  categories: string[],
): IncidentDay[] {
  const days = new Map(
    localDates(period, tz).map((date) => [
      date,
      Object.fromEntries(categories.map((c) => [c, 0])) as Record<string, number>,
    ]),
  );
  for (const r of rows) {
    if (r.at < period.start || r.at >= period.end) continue;
    const day = days.get(localDate(r.at, tz));
    if (day) day[r.category] = (day[r.category] ?? 0) + 1;
  }
  return [...days].map(([date, byCategory]) => ({ date, byCategory }));
}
