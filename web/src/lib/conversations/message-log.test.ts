import { describe, expect, it } from 'vitest';
import type { MessageView } from '@fengqiao/hub/protocol';
import { fixtureMessage as msg } from './message.fixture.ts';
import { applyEdits, extend, indexOfSeq, lastSeq, prepend, reachesStart, replace, tail } from './message-log.ts';

const seqs = (log: MessageView[]) => log.map((m) => m.seq);

describe('message log', () => {
  it('appends the next seqs and drops those already held', () => {
    const a = extend([], [msg(1), msg(2)]);
    expect(seqs(a.log)).toEqual([1, 2]);
    expect(a.gap).toBe(false);
    const b = extend(a.log, [msg(2), msg(3)]);
    expect(seqs(b.log)).toEqual([1, 2, 3]);
    const c = extend(b.log, [msg(3)]);
    expect(c.changed).toBe(false);
  });

  it('reports a gap and keeps what came before it', () => {
    const r = extend([msg(1), msg(2)], [msg(3), msg(5), msg(6)]);
    expect(seqs(r.log)).toEqual([1, 2, 3]);
    expect(r.gap).toBe(true);
  });

  it('takes a recall from a sync page or a live change, but never un-recalls', () => {
    const log = [msg(1), msg(2)];
    const recalled = msg(2, { status: 'recalled', text: '' });
    const r = extend(log, [recalled]);
    expect(r.changed).toBe(true);
    expect(r.log[1]!.status).toBe('recalled');
    expect(replace(r.log, msg(2))).toBe(r.log);
    expect(replace(log, msg(9, { status: 'removed' }))).toBe(log);
  });

  it("turns held messages edited while away into placeholders from a sync's compact edits", () => {
    const log = [
      msg(1),
      msg(2, { text: '加微信领红包', mentions: ['u1'], image: { id: 'i', width: 1, height: 1, mime: 'image/png' } }),
      msg(3),
    ];
    const r = applyEdits(log, [
      { groupId: 'g', id: 'm2', seq: 2, status: 'removed', changeSeq: 4 },
      // Not held here, or a different message under the same seq (a restored store): ignored.
      { groupId: 'g', id: 'm9', seq: 9, status: 'recalled', changeSeq: 5 },
      { groupId: 'g', id: 'other', seq: 3, status: 'recalled', changeSeq: 6 },
    ]);
    expect(r.log[1]).toMatchObject({ seq: 2, status: 'removed', text: '', mentions: [], image: null, changeSeq: 4 });
    expect(r.log[2]).toBe(log[2]);
    expect(r.placeholders.map((m) => m.seq)).toEqual([2]);
    expect(applyEdits(r.log, [{ groupId: 'g', id: 'm2', seq: 2, status: 'removed', changeSeq: 4 }]).log).toBe(r.log);
  });

  it('prepends a history page only where it joins the log without a gap', () => {
    const log = [msg(5), msg(6)];
    expect(seqs(prepend(log, [msg(3), msg(4)]))).toEqual([3, 4, 5, 6]);
    expect(seqs(prepend(log, [msg(1), msg(2)]))).toEqual([5, 6]);
    expect(seqs(prepend(log, [msg(2), msg(4), msg(5)]))).toEqual([4, 5, 6]);
    expect(seqs(prepend([], [msg(1), msg(2)]))).toEqual([1, 2]);
  });

  it('finds seqs by arithmetic, knows the cursor and where the group starts', () => {
    const log = [msg(4), msg(5), msg(6)];
    expect(indexOfSeq(log, 5)).toBe(1);
    expect(indexOfSeq(log, 3)).toBe(-1);
    expect(indexOfSeq([], 1)).toBe(-1);
    expect(lastSeq(log)).toBe(6);
    expect(lastSeq([])).toBe(0);
    expect(reachesStart(log)).toBe(false);
    expect(reachesStart([msg(1)])).toBe(true);
    expect(seqs(tail(log, 2))).toEqual([5, 6]);
  });
});
