import { describe, expect, it } from 'vitest';
import { createAnnounceOrder } from './announce-order.ts';

describe('announcements in seq order on one node', () => {
  it('holds a later commit until the earlier claim is announced, then runs both in seq order', async () => {
    const order = createAnnounceOrder();
    const said: number[] = [];
    order.claim('g', 50);
    order.claim('g', 51);
    // 51's COMMIT answer reaches the hub first.
    const later = order.committed('g', 51, () => void said.push(51));
    expect(said).toEqual([]);
    await order.committed('g', 50, () => void said.push(50));
    await later;
    expect(said).toEqual([50, 51]);
  });

  it('lets a later message go when the earlier transaction rolls back', async () => {
    const order = createAnnounceOrder();
    const said: number[] = [];
    order.claim('g', 7);
    order.claim('g', 8);
    const later = order.committed('g', 8, () => void said.push(8));
    order.release('g', 7);
    await later;
    expect(said).toEqual([8]);
  });

  it('keeps conversations apart and announces an unclaimed message at once', async () => {
    const order = createAnnounceOrder();
    const said: string[] = [];
    order.claim('a', 1);
    await order.committed('b', 1, () => void said.push('b1'));
    await order.committed('c', 3, () => void said.push('c3'));
    expect(said).toEqual(['b1', 'c3']);
  });

  it('passes an announcement that fails to its own caller and still runs the next', async () => {
    const order = createAnnounceOrder();
    const said: number[] = [];
    order.claim('g', 1);
    order.claim('g', 2);
    const second = order.committed('g', 2, () => void said.push(2));
    await expect(
      order.committed('g', 1, () => {
        throw new Error('socket layer down');
      }),
    ).rejects.toThrow('socket layer down');
    await second;
    expect(said).toEqual([2]);
  });
});
