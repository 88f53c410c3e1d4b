import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff.ts';

describe('full-jitter backoff', () => {
  it('spreads the delay over [0, base·2^attempt], capped', () => {
    expect(backoffDelay(0, DEFAULT_BACKOFF, () => 0)).toBe(0);
    expect(backoffDelay(0, DEFAULT_BACKOFF, () => 0.999999)).toBe(DEFAULT_BACKOFF.baseMs - 1);
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0.5)).toBe(Math.floor(0.5 * DEFAULT_BACKOFF.baseMs * 8));
    expect(backoffDelay(50, DEFAULT_BACKOFF, () => 0.999999)).toBeLessThan(DEFAULT_BACKOFF.maxMs);
    expect(backoffDelay(50, DEFAULT_BACKOFF, () => 0.5)).toBe(DEFAULT_BACKOFF.maxMs / 2);
  });

  it('never returns the same delay to every client: jitter is drawn per call', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(5)));
    expect(delays.size).toBeGreaterThan(10);
  });
});
