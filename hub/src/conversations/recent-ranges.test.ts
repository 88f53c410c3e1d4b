import { describe, expect, it } from 'vitest';
import type { MessageView } from '../protocol/index.ts';
import { createRecentRanges, type MessageRange, type RecentRanges } from './recent-ranges.ts';

const views = (groupId: string, after: number, upTo: number): MessageView[] =>
  Array.from({ length: upTo - after }, (_, k) => ({
    id: `${groupId}-${after + k + 1}`,
    groupId,
    seq: after + k + 1,
    sender: { id: 'u1', name: '张警官', role: 'officer' },
    clientId: `c-${after + k + 1}`,
    text: '收到',
    replyToSeq: null,
    mentions: [],
    mentionAll: false,
    image: null,
    status: 'ok',
    createdAt: 0,
    changeSeq: 0,
  }));
const range = (groupId: string, after: number, upTo: number, changeSeq = 0): MessageRange => ({
  groupId,
  changeSeq,
  after,
  upTo,
});

/** A catch-up's finished read of the range, handed over as the catch-up does: kept once it settles. */
const read = async (recent: RecentRanges, r: MessageRange, v: MessageView[]) => {
  const done = Promise.resolve(v);
  recent.reading(r, done);
  await done;
  await Promise.resolve();
};

/** The catch-up's shared ranges: what is handed out again, for how long, and how much is held. */
describe('recent message ranges', () => {
  it('hands a range out again only for the same conversation, change counter and seqs, until it expires', async () => {
    let t = 1000;
    const recent = createRecentRanges({ ttlMs: 5000, now: () => t });
    const held = views('g1', 10, 13);
    await read(recent, range('g1', 10, 13), held);
    expect(recent.get(range('g1', 10, 13))).toBe(held);
    expect(recent.get(range('g1', 10, 13, 1))).toBeUndefined();
    expect(recent.get(range('g1', 11, 13))).toBeUndefined();
    expect(recent.get(range('g1', 10, 12))).toBeUndefined();
    expect(recent.get(range('g2', 10, 13))).toBeUndefined();
    t += 4999;
    expect(recent.get(range('g1', 10, 13))).toBe(held);
    t += 1;
    expect(recent.get(range('g1', 10, 13))).toBeUndefined();
    expect(recent.size()).toEqual({ ranges: 0, messages: 0 });
  });

  it('holds at most maxMessages, letting the oldest ranges go first, and never a range over maxPerRange', async () => {
    let t = 0;
    const recent = createRecentRanges({ ttlMs: 60_000, maxMessages: 25, maxPerRange: 10, now: () => t });
    await read(recent, range('big', 0, 11), views('big', 0, 11));
    expect(recent.size()).toEqual({ ranges: 0, messages: 0 });
    for (const g of ['a', 'b', 'c']) {
      t += 1;
      await read(recent, range(g, 0, 10), views(g, 0, 10));
    }
    // 30 messages were offered, 25 may be held: the oldest range went.
    expect(recent.size()).toEqual({ ranges: 2, messages: 20 });
    expect(recent.get(range('a', 0, 10))).toBeUndefined();
    expect(recent.get(range('b', 0, 10))).toHaveLength(10);
    expect(recent.get(range('c', 0, 10))).toHaveLength(10);
  });

  it('lets expired ranges go when a new one is kept, and keeps one copy of a range read twice', async () => {
    let t = 0;
    const recent = createRecentRanges({ ttlMs: 100, now: () => t });
    await read(recent, range('a', 0, 3), views('a', 0, 3));
    await read(recent, range('a', 0, 3), views('a', 0, 3));
    expect(recent.size()).toEqual({ ranges: 1, messages: 3 });
    t = 200;
    await read(recent, range('b', 0, 2), views('b', 0, 2));
    expect(recent.size()).toEqual({ ranges: 1, messages: 2 });
  });

  it('hands a read under way to those asking meanwhile, keeps it once read, and forgets a failed one', async () => {
    const recent = createRecentRanges();
    const held = views('g1', 10, 13);
    let finish!: (v: MessageView[]) => void;
    const read = new Promise<MessageView[]>((resolve) => (finish = resolve));
    recent.reading(range('g1', 10, 13), read);
    expect(recent.get(range('g1', 10, 13))).toBe(read);
    expect(recent.get(range('g1', 10, 14))).toBeUndefined();
    finish(held);
    await read;
    await Promise.resolve();
    expect(recent.get(range('g1', 10, 13))).toBe(held);

    const failed = Promise.reject(new Error('store gone'));
    recent.reading(range('g2', 0, 2), failed);
    await failed.catch(() => {});
    await Promise.resolve();
    expect(recent.get(range('g2', 0, 2))).toBeUndefined();
  });
});
