/**
 * Token buckets per key, in this process: a burst of `capacity`, refilled at `perSecond`.
 * Per node: behind several nodes a sender could get up to one bucket per node, which is
 * acceptable for flood control (the store, not this, guards correctness).
 */
export function createRateLimiter(opts: { capacity: number; perSecond: number; now?: () => number }) {
  const now = opts.now ?? Date.now;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    /** Takes one token; returns 0 when allowed, else the seconds until the next token. */
    take(key: string): number {
      const t = now();
      const b = buckets.get(key) ?? { tokens: opts.capacity, at: t };
      b.tokens = Math.min(opts.capacity, b.tokens + ((t - b.at) / 1000) * opts.perSecond);
      b.at = t;
      if (b.tokens < 1) {
        buckets.set(key, b);
        return Math.ceil((1 - b.tokens) / opts.perSecond);
      }
      b.tokens -= 1;
      if (b.tokens >= opts.capacity - 1e-9) buckets.delete(key);
      else buckets.set(key, b);
      return 0;
    },
    /** Drops a key's bucket (its owner is gone: a closed socket), so keys do not pile up. */
    forget(key: string): void {
      buckets.delete(key);
    },
  };
}
export type RateLimiter = ReturnType<typeof createRateLimiter>;
