/** Settings of the reconnect delay. */
export interface BackoffOptions {
  /** Delay cap of the first retry, ms. */
  baseMs: number;
  /** Largest delay cap, ms. */
  maxMs: number;
}

/** Defaults: first retry within 0.5 s, never more than 20 s apart. */
export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 20_000 };

/**
 * Full-jitter exponential backoff (AWS architecture blog, "Exponential Backoff and Jitter"):
 * a uniform delay in [0, min(max, base·2^attempt)]. Spreading retries over the whole window
 * keeps thousands of clients from reconnecting in lockstep after a hub restart.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const cap = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * cap);
}
