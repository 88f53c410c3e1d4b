import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GroupView, MessageView } from '../protocol/index.ts';
import {
  connectSocket,
  firstGrid,
  login,
  startTestHub,
  storeDialects,
  type FirstGrid,
  type TestHub,
  type TestSocket,
} from '../../test-support/index.ts';
import { eventWhere } from '../../test-support/hotline-fixture.ts';

let n = 0;
const cid = () => `send-${Date.now()}-${++n}`;

/**
 * What `message:send` promises since nothing is read before its write (the write's own statements
 * check membership, mute and the quote, and its unique index finds a retry): the event is the
 * stored message field for field; a retried or racing client id answers the stored message and
 * takes no seq; a refused send takes none either, alone or in a burst written as one batch. Real
 * sockets, on SQLite and PostgreSQL.
 */
for (const dialect of await storeDialects()) {
  describe.skipIf(!dialect.available)(`message:send on ${dialect.name}`, () => {
    let t: TestHub;
    let drop: () => Promise<void>;
    let grid: FirstGrid;
    const sockets: TestSocket[] = [];
    const open = async (l: string) => {
      const s = await connectSocket(t.url, { cookie: (await login(t.url, l)).cookie });
      sockets.push(s);
      return s;
    };
    /** The group's seq counter and how many messages it holds: equal while seqs are gap-free. */
    const counters = async (groupId: string) => {
      const db = t.hub.store.db;
      const { last_seq } = await db
        .selectFrom('groups')
        .select('last_seq')
        .where('id', '=', groupId)
        .executeTakeFirstOrThrow();
      const { count } = await db
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('group_id', '=', groupId)
        .executeTakeFirstOrThrow();
      return { lastSeq: Number(last_seq), messages: Number(count) };
    };
    /** Mutes a member of the grid's group for 5 minutes, or lifts it, as its officer. */
    const mute = (officer: TestSocket, userId: string, on: boolean) =>
      officer.emitWithAck(
        'group:member',
        on
          ? { action: 'mute', groupId: grid.groupId, userId, minutes: 5 }
          : { action: 'unmute', groupId: grid.groupId, userId },
      );
    /** A resident of a grid other than the first: a stranger to its group. */
    const anotherGridsResident = async () =>
      (
        await t.hub.store.db
          .selectFrom('users')
          .select('login')
          .where('role', '=', 'resident')
          .where('unit_id', '!=', grid.gridId)
          .executeTakeFirstOrThrow()
      ).login;
    const userId = async (l: string) =>
      (await t.hub.store.db.selectFrom('users').select('id').where('login', '=', l).executeTakeFirstOrThrow()).id;

    beforeAll(async () => {
      const target = await dialect.databaseUrl();
      drop = target.drop;
      t = await startTestHub({
        databaseUrl: target.url,
        env: { MESSAGE_RATE_STAFF_PER_MINUTE: '1000000', MESSAGE_RATE_RESIDENT_PER_MINUTE: '1000000' },
      });
      grid = await firstGrid(t.hub);
    });
    afterAll(async () => {
      for (const s of sockets) s.disconnect();
      await t?.close();
      await drop?.();
    });

    it('announces and answers the message exactly as the store then gives it back', async () => {
      const officer = await open(grid.officerLogin);
      const resident = await open(grid.residentLogins[0]!);
      const residentId = await userId(grid.residentLogins[0]!);
      const first = await officer.emitWithAck('message:send', {
        groupId: grid.groupId,
        clientId: cid(),
        text: '停水通知',
      });
      if (!first.ok) throw new Error(first.error.message);
      const clientId = cid();
      const heard = eventWhere<MessageView>(resident, 'message:created', (m) => m.clientId === clientId);
      const sent = await officer.emitWithAck('message:send', {
        groupId: grid.groupId,
        clientId,
        text: '请@业主 明早九点前储水',
        replyToSeq: first.message.seq,
        mentions: [residentId],
      });
      if (!sent.ok) throw new Error(sent.error.message);
      const history = await resident.emitWithAck('group:history', { groupId: grid.groupId, limit: 5 });
      if (!history.ok) throw new Error(history.error.message);
      const stored = history.messages.find((m) => m.id === sent.message.id);
      expect(stored).toMatchObject({
        seq: first.message.seq + 1,
        mentions: [residentId],
        sender: { id: expect.any(String) },
      });
      expect(sent.message).toEqual(stored);
      expect(await heard).toEqual(stored);
    });

    it('answers a retried client id with the stored message and takes no seq: the next one follows on', async () => {
      const officer = await open(grid.officerLogin);
      const clientId = cid();
      const a = await officer.emitWithAck('message:send', { groupId: grid.groupId, clientId, text: '第一次' });
      if (!a.ok) throw new Error(a.error.message);
      const before = await counters(grid.groupId);
      const retry = await officer.emitWithAck('message:send', { groupId: grid.groupId, clientId, text: '第二次' });
      expect(retry).toEqual({ ok: true, message: a.message, duplicate: true });
      expect(await counters(grid.groupId)).toEqual(before);
      const next = await officer.emitWithAck('message:send', {
        groupId: grid.groupId,
        clientId: cid(),
        text: '下一条',
      });
      expect(next).toMatchObject({ ok: true, message: { seq: a.message.seq + 1 } });
    });

    it('stores a client id raced in from two sockets at once once, and both answers are that message', async () => {
      const one = await open(grid.officerLogin);
      const two = await open(grid.officerLogin);
      const before = await counters(grid.groupId);
      const clientId = cid();
      const answers = await Promise.all(
        [one, two].map((s) => s.emitWithAck('message:send', { groupId: grid.groupId, clientId, text: '同一条' })),
      );
      for (const r of answers) if (!r.ok) throw new Error(r.error.message);
      const ids = answers.map((r) => (r.ok ? r.message.id : ''));
      expect(ids[0]).toBe(ids[1]);
      expect(answers.map((r) => r.ok && r.duplicate).sort()).toEqual([false, true]);
      expect(await counters(grid.groupId)).toEqual({ lastSeq: before.lastSeq + 1, messages: before.messages + 1 });
    });

    it('refuses a client id already used in another group, taking no seq in either', async () => {
      const officer = await open(grid.officerLogin);
      const list = await officer.emitWithAck('group:list', {});
      if (!list.ok) throw new Error(list.error.message);
      const other = list.groups.find((g: GroupView) => g.id !== grid.groupId && g.kind !== 'direct');
      expect(other).toBeDefined();
      const clientId = cid();
      expect(
        await officer.emitWithAck('message:send', { groupId: other!.id, clientId, text: '在别的群' }),
      ).toMatchObject({
        ok: true,
      });
      const before = await counters(grid.groupId);
      expect(
        await officer.emitWithAck('message:send', { groupId: grid.groupId, clientId, text: '又用一次' }),
      ).toMatchObject({ ok: false, error: { code: 'conflict' } });
      expect(await counters(grid.groupId)).toEqual(before);
    });

    it("refuses a muted member's new message, taking no seq, yet answers their retry of an older one", async () => {
      const officer = await open(grid.officerLogin);
      const resident = await open(grid.residentLogins[1]!);
      const residentId = await userId(grid.residentLogins[1]!);
      const clientId = cid();
      const earlier = await resident.emitWithAck('message:send', { groupId: grid.groupId, clientId, text: '禁言前' });
      if (!earlier.ok) throw new Error(earlier.error.message);
      expect(await mute(officer, residentId, true)).toMatchObject({ ok: true });
      const before = await counters(grid.groupId);
      expect(
        await resident.emitWithAck('message:send', { groupId: grid.groupId, clientId: cid(), text: '禁言中' }),
      ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(await resident.emitWithAck('message:send', { groupId: grid.groupId, clientId, text: '禁言前' })).toEqual({
        ok: true,
        message: earlier.message,
        duplicate: true,
      });
      expect(await counters(grid.groupId)).toEqual(before);
      expect(await mute(officer, residentId, false)).toMatchObject({ ok: true });
    });

    /** Sends all at once (in flight together, so the hub writes all but the first as one batch); answers in order. */
    const burst = (sends: [TestSocket, object][]) =>
      Promise.all(sends.map(([s, p]) => s.emitWithAck('message:send', { groupId: grid.groupId, ...p } as never)));
    /** The accepted answers' seqs follow on from `before`, gap-free. */
    const expectGapFree = (before: { lastSeq: number }, answers: { ok: boolean }[]) => {
      const seqs = answers
        .flatMap((r) => ('message' in r ? [(r.message as MessageView).seq] : []))
        .sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, k) => before.lastSeq + 1 + k));
    };

    it('refuses a quote of a message the group does not hold, alone and within a burst, taking no seq for it', async () => {
      const one = await open(grid.officerLogin);
      const two = await open(grid.officerLogin);
      let before = await counters(grid.groupId);
      expect(
        await one.emitWithAck('message:send', {
          groupId: grid.groupId,
          clientId: cid(),
          text: '引用未来',
          replyToSeq: before.lastSeq + 1,
        }),
      ).toMatchObject({
        ok: false,
        error: { code: 'validation_failed', message: 'the quoted message does not exist' },
      });
      expect(await counters(grid.groupId)).toEqual(before);

      before = await counters(grid.groupId);
      const sends: [TestSocket, object][] = Array.from({ length: 8 }, (_, k) => [
        k % 2 ? two : one,
        { clientId: cid(), text: `连发 ${k}`, ...(k === 5 && { replyToSeq: before.lastSeq + 50 }) },
      ]);
      // The last one quotes the burst's first message: it exists by the time it is written.
      sends.push([two, { clientId: cid(), text: '引用第一条', replyToSeq: before.lastSeq + 1 }]);
      const answers = await burst(sends);
      expect(answers.map((r) => r.ok)).toEqual([true, true, true, true, true, false, true, true, true]);
      expect(answers[5]).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
      expectGapFree(before, answers);
      expect(await counters(grid.groupId)).toEqual({ lastSeq: before.lastSeq + 8, messages: before.messages + 8 });
    });

    it("refuses a muted member's messages within a burst and lands everyone else's, gap-free", async () => {
      const officer = await open(grid.officerLogin);
      const resident = await open(grid.residentLogins[1]!);
      const residentId = await userId(grid.residentLogins[1]!);
      expect(await mute(officer, residentId, true)).toMatchObject({ ok: true });
      const before = await counters(grid.groupId);
      const answers = await burst(
        Array.from({ length: 8 }, (_, k): [TestSocket, object] => [
          k % 3 === 1 ? resident : officer,
          { clientId: cid(), text: `禁言时连发 ${k}` },
        ]),
      );
      answers.forEach((r, k) =>
        expect(r).toMatchObject(k % 3 === 1 ? { ok: false, error: { code: 'forbidden' } } : { ok: true }),
      );
      expectGapFree(before, answers);
      expect(await counters(grid.groupId)).toEqual({ lastSeq: before.lastSeq + 5, messages: before.messages + 5 });
      expect(await mute(officer, residentId, false)).toMatchObject({ ok: true });
    });

    it("tells a stranger who mentions a member only that the group is not theirs: whom it holds stays the members' to know", async () => {
      const s = await open(await anotherGridsResident());
      const member = await userId(grid.residentLogins[0]!);
      const before = await counters(grid.groupId);
      for (const mentions of [[member], [`not-a-member-${n}`]])
        expect(
          await s.emitWithAck('message:send', { groupId: grid.groupId, clientId: cid(), text: '@谁', mentions }),
        ).toMatchObject({ ok: false, error: { code: 'not_found', message: 'group not found' } });
      expect(await counters(grid.groupId)).toEqual(before);
    });

    it("refuses a hotline thread's id as no group, even to the resident whose thread it is", async () => {
      const resident = await open(grid.residentLogins[0]!);
      const opened = await resident.emitWithAck('hotline:create', {
        clientId: cid(),
        category: 'consultation',
        text: '想咨询一下居住证办理',
      });
      if (!opened.ok) throw new Error(opened.error.message);
      const threadId = opened.thread.id;
      const before = await counters(threadId);
      expect(
        await resident.emitWithAck('message:send', { groupId: threadId, clientId: cid(), text: '从群聊发进热线' }),
      ).toMatchObject({ ok: false, error: { code: 'not_found' } });
      expect(await counters(threadId)).toEqual(before);
    });

    it("refuses another grid's resident as if the group did not exist, taking no seq", async () => {
      const s = await open(await anotherGridsResident());
      const before = await counters(grid.groupId);
      expect(
        await s.emitWithAck('message:send', { groupId: grid.groupId, clientId: cid(), text: '串门' }),
      ).toMatchObject({
        ok: false,
        error: { code: 'not_found' },
      });
      expect(await counters(grid.groupId)).toEqual(before);
    });
  });
}
