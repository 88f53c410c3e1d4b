import { errors } from './errors.ts';
import type { TimeWindow } from './protocol/index.ts';

const iso = (ms: number) => new Date(ms).toISOString();

/** Holds a client-given time to its window around `now`; validation_failed names the field and the window. */
export function checkWindow(field: string, at: number, window: TimeWindow, now: number): number {
  const earliest = now - window.pastMs;
  const latest = now + window.futureMs;
  if (at < earliest || at > latest) {
    throw errors.invalid(`${field} must lie between ${iso(earliest)} and ${iso(latest)}`);
  }
  return at;
}
