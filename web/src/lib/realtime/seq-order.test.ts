import { describe, expect, it } from 'vitest';
import { SeqOrder } from './seq-order.ts';

const m = (seq: number) => ({ seq, text: `第${seq}条` });
const seqs = (list: { seq: number }[]) => list.map((x) => x.seq);

describe('seq order (live messages presented by seq, not arrival)', () => {
  it('passes the next seq straight through and drops seqs already presented', () => {
    const order = new SeqOrder<{ seq: number }>({ holdMs: 1000 });
    expect(seqs(order.offer('g', 4, [m(5)], 0).ready)).toEqual([5]);
    expect(order.offer('g', 5, [m(3), m(5)], 0)).toEqual({ ready: [], expired: false });
    expect(order.nextDeadline()).toBeNull();
  });

  it('holds a later seq while an earlier one is missing, then releases both in seq order', () => {
    const order = new SeqOrder<{ seq: number }>({ holdMs: 1000 });
    // Node B's seq 7 overtakes node A's seq 6.
    expect(order.offer('g', 5, [m(7)], 100).ready).toEqual([]);
    expect(order.holds('g')).toBe(true);
    expect(order.nextDeadline()).toBe(1100);
    expect(order.expired(1099)).toEqual([]);
    expect(seqs(order.offer('g', 5, [m(6)], 300).ready)).toEqual([6, 7]);
    expect(order.holds('g')).toBe(false);
    expect(order.expired(5000)).toEqual([]);
  });

  it('releases what follows and keeps waiting for a second gap, timed from the release', () => {
    const order = new SeqOrder<{ seq: number }>({ holdMs: 1000 });
    order.offer('g', 1, [m(3), m(5)], 0);
    expect(seqs(order.offer('g', 1, [m(2)], 800).ready)).toEqual([2, 3]);
    expect(order.nextDeadline()).toBe(1800);
    expect(order.expired(1500)).toEqual([]);
  });

  it('reports a gap that does not close in time, once, and forgets what it held (the sync brings it)', () => {
    const order = new SeqOrder<{ seq: number }>({ holdMs: 1000 });
    order.offer('a', 10, [m(12)], 0);
    order.offer('b', 3, [m(5)], 500);
    expect(order.expired(1000)).toEqual(['a']);
    expect(order.expired(1000)).toEqual([]);
    expect(order.nextDeadline()).toBe(1500);
    expect(order.expired(1500)).toEqual(['b']);
    expect(order.holds('a') || order.holds('b')).toBe(false);
  });

  it('drops held seqs a sync has since brought', () => {
    const order = new SeqOrder<{ seq: number }>({ holdMs: 1000 });
    order.offer('g', 1, [m(3), m(9)], 0);
    // A sync took the conversation to seq 4; 9 still waits for 5..8.
    expect(order.offer('g', 4, [], 10).ready).toEqual([]);
    expect(seqs(order.offer('g', 4, [m(5), m(6), m(7), m(8)], 20).ready)).toEqual([5, 6, 7, 8, 9]);
    expect(order.holds('g')).toBe(false);
  });

  it('syncs at once instead of holding an unbounded burst', () => {
    const order = new SeqOrder<{ seq: number }>({ holdMs: 1000, maxHeld: 3 });
    expect(order.offer('g', 0, [m(2), m(3), m(4)], 0).expired).toBe(false);
    expect(order.offer('g', 0, [m(5)], 0)).toEqual({ ready: [], expired: true });
    expect(order.holds('g')).toBe(false);
  });
});
