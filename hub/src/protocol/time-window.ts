import { z } from 'zod';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** How far before and after "now" a kind of time given by a client may lie. */
export interface TimeWindow {
  pastMs: number;
  futureMs: number;
}

/**
 * The sane windows, in one place. The schemas below only refuse what is absurd at any time; the
 * services, which know "now", hold each time to its window.
 */
export const TIME_WINDOWS = {
  /** Deadlines and scheduled visits: order due times, hotline follow-ups. A little slack for clocks. */
  due: { pastMs: 5 * MINUTE, futureMs: 366 * DAY },
  /** When something happened that is being registered now (an incident's report time). */
  reported: { pastMs: 30 * DAY, futureMs: MINUTE },
  /** Periods looked back on: report periods, figure ranges. */
  history: { pastMs: 5 * 366 * DAY, futureMs: DAY },
} as const satisfies Record<string, TimeWindow>;

/** The longest range one figures request may cover. */
export const MAX_RANGE_MS = 400 * DAY;

/** No time on the wire lies outside 2000-01-01 … 2100-01-01 UTC (ms since the epoch). */
export const EARLIEST_INSTANT = Date.UTC(2000, 0, 1);
export const LATEST_INSTANT = Date.UTC(2100, 0, 1);
const bounded = (n: z.ZodNumber) =>
  n
    .int()
    .min(EARLIEST_INSTANT, 'a time after 2000-01-01 (ms since the epoch)')
    .max(LATEST_INSTANT, 'a time before 2100-01-01');

/** An instant in ms since the epoch, in JSON bodies and socket payloads. */
export const instant = bounded(z.number());
/** The same, from a query string. */
export const instantQuery = bounded(z.coerce.number());

/** A real calendar date `YYYY-MM-DD` (not 2024-13-45), between the bounds above. */
export const localDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a local date YYYY-MM-DD')
  .refine((s) => {
    const [y, m, d] = s.split('-').map(Number) as [number, number, number];
    const t = Date.UTC(y, m - 1, d);
    const back = new Date(t);
    const real = back.getUTCFullYear() === y && back.getUTCMonth() === m - 1 && back.getUTCDate() === d;
    return real && t >= EARLIEST_INSTANT && t < LATEST_INSTANT;
  }, 'a real date between 2000 and 2100');
