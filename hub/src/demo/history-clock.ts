import { fromLocal, localDate, localTime } from '../reports/local-period.ts';
import type { Dice } from '../org/demo-random.ts';

export const MIN = 60_000;
export const HOUR = 60 * MIN;

/**
 * The days a demo history covers, cut in the station's time zone: today (up to the start time)
 * and the `days - 1` whole days before it. Rows are laid on local wall-clock times of these days,
 * so the same start day gives the same rows; whatever would lie after the start time is left out.
 */
export interface HistoryClock {
  now: number;
  tz: string;
  /** Local midnight of each day, oldest first; the last is today. */
  dayStarts: number[];
  /** The local date of the start (YYYY-MM-DD): the PRNG's seed. */
  today: string;
}

export function historyClock(now: number, tz: string, days: number): HistoryClock {
  const t = localTime(now, tz);
  const dayStarts: number[] = [];
  for (let d = days - 1; d >= 0; d--) dayStarts.push(fromLocal(tz, t.year, t.month, t.day - d));
  return { now, tz, dayStarts, today: localDate(now, tz) };
}

/** How busy each hour of the day is for a station (people call in the day and the evening). */
const HOUR_WEIGHTS = [1, 1, 1, 0.5, 0.5, 1, 2, 4, 6, 7, 7, 6, 6, 6, 6, 6, 7, 8, 9, 9, 8, 6, 4, 2];

/** A time of a busy hour of this day (`from`..`to` local hours), to the second. */
export function timeOfDay(d: Dice, dayStart: number, from = 0, to = 23): number {
  const weights = Object.fromEntries(HOUR_WEIGHTS.slice(from, to + 1).map((w, i) => [String(from + i), w]));
  const hour = Number(d.weighted(weights));
  return dayStart + hour * HOUR + d.int(0, 59) * MIN + d.int(0, 59) * 1000;
}

/** Fills `{s}` (street), `{t}` (another street), `{n}` (house number) and `{c}` (community) in a line. */
export function fill(d: Dice, text: string, streets: readonly string[], community: string, place?: string): string {
  return text
    .replaceAll('{p}', place ?? '')
    .replaceAll('{s}', d.pick(streets))
    .replaceAll('{t}', d.pick(streets))
    .replaceAll('{n}', String(d.int(1, 88)))
    .replaceAll('{c}', community);
}
