import { describe, expect, it } from 'vitest';
import type { MessageView } from '@fengqiao/hub/protocol';
import { buildRows, highlight } from './chat-rows.ts';

const msg = (seq: number, sender: string, at: number, over: Partial<MessageView> = {}): MessageView => ({
  id: `m${seq}`,
  groupId: 'g',
  seq,
  sender: { id: sender, name: sender, role: 'resident' },
  clientId: `c${seq}`,
  text: 't',
  replyToSeq: null,
  mentions: [],
  mentionAll: false,
  image: null,
  status: 'ok',
  createdAt: at,
  changeSeq: 0,
  ...over,
});
const dayOf = (ms: number) => String(Math.floor(ms / 86_400_000));

describe('chat rows', () => {
  it('separates days, marks the first unread and runs of one sender', () => {
    const day = 86_400_000;
    const log = [msg(1, 'a', 10), msg(2, 'a', 20), msg(3, 'b', 30), msg(4, 'b', day + 5), msg(5, 'b', day + 6)];
    const rows = buildRows(log, [], { firstUnreadSeq: 5, reachesStart: true, dayOf });
    expect(rows.map((r) => r.key)).toEqual(['start', 'day:0', 'm:1', 'm:2', 'm:3', 'day:1', 'm:4', 'unread', 'm:5']);
    const continued = rows.flatMap((r) => (r.kind === 'message' ? [r.continued] : []));
    expect(continued).toEqual([false, true, false, false, false]);
  });

  it('offers older messages when the start is not held, and puts pending ones last', () => {
    const rows = buildRows(
      [msg(7, 'a', 10)],
      [{ clientId: 'x', groupId: 'g', text: 'hi', replyToSeq: null, imageId: null, status: 'queued', queuedAt: 11 }],
      {
        firstUnreadSeq: null,
        reachesStart: false,
        dayOf: () => 'd',
      },
    );
    expect(rows.map((r) => r.key)).toEqual(['more', 'day:d', 'm:7', 'p:x']);
  });

  it('never continues a run across a recalled message', () => {
    const rows = buildRows([msg(1, 'a', 1), msg(2, 'a', 2, { status: 'recalled', text: '' }), msg(3, 'a', 3)], [], {
      firstUnreadSeq: null,
      reachesStart: true,
      dayOf,
    });
    expect(rows.flatMap((r) => (r.kind === 'message' ? [r.continued] : []))).toEqual([false, false, false]);
  });

  it('splits a text at the match positions, as text runs', () => {
    expect(
      highlight('楼道堆放杂物，楼道不通', [
        [0, 2],
        [7, 9],
      ]),
    ).toEqual([
      { text: '楼道', hit: true },
      { text: '堆放杂物，', hit: false },
      { text: '楼道', hit: true },
      { text: '不通', hit: false },
    ]);
    expect(highlight('<b>x</b>', [[3, 4]])).toEqual([
      { text: '<b>', hit: false },
      { text: 'x', hit: true },
      { text: '</b>', hit: false },
    ]);
    expect(highlight('abc', [[5, 9]])).toEqual([{ text: 'abc', hit: false }]);
  });
});
