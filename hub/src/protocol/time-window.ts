const MINUTE = 60_000;
const DAY = 86_400_000;

/** How far before and after "now" a kind of time given by a client may lie. */
export interface TimeWindow {
  pastMs: number;
  futureMs: number;
}

/**
 * The sane windows, in one place. The schemas (`time-window.schema.ts`) only refuse what is absurd
 * at any time; the services, which know "now", hold each time to its window.
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
