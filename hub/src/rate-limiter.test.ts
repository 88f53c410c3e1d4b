import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limiter.ts';

describe('rate limiter', () => {
  it('allows a burst, then refuses with the wait, then refills', () => {
    let t = 0;
    const rl = createRateLimiter({ capacity: 3, perSecond: 0.5, now: () => t });
    expect([rl.take('a'), rl.take('a'), rl.take('a')]).toEqual([0, 0, 0]);
    expect(rl.take('a')).toBe(2);
    expect(rl.take('b')).toBe(0);
    t += 2000;
    expect(rl.take('a')).toBe(0);
    expect(rl.take('a')).toBeGreaterThan(0);
  });
});
