import { z } from 'zod';
import { EARLIEST_INSTANT, LATEST_INSTANT } from './time-window.ts';

const bounded = (n: z.ZodNumber) =>
  n
    .int()
    .min(EARLIEST_INSTANT, 'a time after 2000-01-01 (ms since the epoch)')
    .max(LATEST_INSTANT, 'a time before 2100-01-01');

/** An instant in ms since the epoch, in JSON bodies and socket payloads. */
export const instant = bounded(z.number());
/** The same, from a query string. */
export const instantQuery = bounded(z.coerce.number());

/** A real calendar date `YYYY-MM-DD` (not 2024-13-45), between the bounds of `time-window.ts`. */
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
