import { describe, expect, it } from 'vitest';
import { monotonicIds, newId } from './ids.ts';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const timeOf = (id: string) => [...id.slice(0, 10)].reduce((t, c) => t * 32 + ALPHABET.indexOf(c), 0);
const randomOf = (id: string) => [...id.slice(10)].reduce((r, c) => r * 32n + BigInt(ALPHABET.indexOf(c)), 0n);

describe('ids', () => {
  it('are ULIDs whose first ten characters are the millisecond they were made in', () => {
    const before = Date.now();
    const id = newId();
    expect(id).toMatch(ULID);
    expect(timeOf(id)).toBeGreaterThanOrEqual(before);
    expect(timeOf(id)).toBeLessThanOrEqual(Date.now());
    expect(timeOf(monotonicIds(() => 1_796_536_848_225)())).toBe(1_796_536_848_225);
  });

  it('sort in the order they were made, within one millisecond and when the clock steps back', () => {
    const clock = [5000, 5000, 5000, 4000, 4000, 6000, 6000];
    const next = monotonicIds(() => clock.shift()!);
    const ids = Array.from({ length: 7 }, next);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(7);
    // Same millisecond: the random part is the previous one plus one (a carry may reach any digit).
    expect(timeOf(ids[1]!)).toBe(timeOf(ids[0]!));
    expect(randomOf(ids[1]!)).toBe(randomOf(ids[0]!) + 1n);
    expect(timeOf(ids[3]!)).toBe(5000);
    expect(timeOf(ids[5]!)).toBe(6000);
  });

  it('draw random parts that differ across milliseconds and across the random pool refills', () => {
    let t = 0;
    const next = monotonicIds(() => (t += 1));
    const randomParts = Array.from({ length: 2000 }, () => next().slice(10));
    expect(new Set(randomParts).size).toBe(2000);
    // Every character of the alphabet shows up at every position: no bias to a fixed subset.
    for (let pos = 0; pos < 16; pos += 1) expect(new Set(randomParts.map((r) => r[pos])).size).toBe(32);
  });
});
