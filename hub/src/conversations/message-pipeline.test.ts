import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../protocol/index.ts';
import { storeDialects, type TestSocket } from '../../test-support/index.ts';
import { cid, eventWhere, startHotlineFixture, type HotlineFixture } from '../../test-support/hotline-fixture.ts';
import { createMessageLog } from './message-log.ts';

/** Every `event` a socket receives until `pred` matches one (the sentinel), in arrival order. */
function collectUntil<T>(s: TestSocket, event: string, pred: (x: T) => boolean): Promise<T[]> {
  const seen: T[] = [];
  const on = s.on.bind(s) as (e: string, fn: (x: T) => void) => void;
  on(event, (x) => seen.push(x));
  return eventWhere<T>(s, event, pred).then(() => seen);
}

/**
 * What the message pipeline promises a client that was away or a node that died: edits move a
 * change cursor that sync returns, and a retried write is announced again.
 */
for (const dialect of await storeDialects()) {
  describe.skipIf(!dialect.available)(`message edits and re-announcement on ${dialect.name}`, () => {
    let f: HotlineFixture;
    let drop: () => Promise<void>;
    let groupId: string;
    let officerLogin: string;
    let residentLogins: string[];

    beforeAll(async () => {
      const target = await dialect.databaseUrl();
      drop = target.drop;
      f = await startHotlineFixture({ databaseUrl: target.url });
      const db = f.t.hub.store.db;
      const grid = await db
        .selectFrom('units')
        .select(['id', 'parent_id'])
        .where('kind', '=', 'grid')
        .orderBy('sort')
        .executeTakeFirstOrThrow();
      groupId = (
        await db
          .selectFrom('groups')
          .select('id')
          .where('unit_id', '=', grid.id)
          .where('kind', '=', 'grid')
          .executeTakeFirstOrThrow()
      ).id;
      residentLogins = (
        await db
          .selectFrom('users')
          .select('login')
          .where('unit_id', '=', grid.id)
          .where('role', '=', 'resident')
          .orderBy('id')
          .limit(2)
          .execute()
      ).map((u) => u.login);
      officerLogin = (
        await db
          .selectFrom('users')
          .select('login')
          .where('unit_id', '=', grid.parent_id!)
          .where('role', '=', 'officer')
          .executeTakeFirstOrThrow()
      ).login;
    });
    afterAll(async () => {
      await f?.close();
      await drop?.();
    });

    const send = async (s: TestSocket, text: string): Promise<MessageView> => {
      const res = await s.emitWithAck('message:send', { groupId, clientId: cid(), text });
      if (!res.ok) throw new Error(res.error.message);
      return res.message;
    };

    it('a member offline during a recall and a removal learns both on sync, and only once', async () => {
      const officer = await f.open(officerLogin);
      const neighbour = await f.open(residentLogins[1]!);
      const own = await send(officer, '明早九点停水');
      const other = await send(neighbour, '楼道里有人发小广告，加微信领红包');

      // The reader holds both messages, with the change cursor its sync gave, then goes offline.
      const reader = await f.open(residentLogins[0]!);
      const before = await reader.emitWithAck('group:sync', { cursors: { [groupId]: 0 } });
      if (!before.ok) throw new Error(before.error.message);
      expect(before.messages.map((m) => m.text)).toEqual(expect.arrayContaining([own.text, other.text]));
      const cursor = before.messages.at(-1)!.seq;
      const changes = before.changes;
      expect(changes[groupId]).toEqual(expect.any(Number));
      reader.close();

      expect(await officer.emitWithAck('message:recall', { groupId, seq: own.seq })).toMatchObject({
        ok: true,
        message: { status: 'recalled' },
      });
      expect(await officer.emitWithAck('message:recall', { groupId, seq: other.seq })).toMatchObject({
        ok: true,
        message: { status: 'removed' },
      });
      const later = await send(officer, '停水通知已撤回，改日再发');
      await officer.emitWithAck('message:recall', { groupId, seq: later.seq });

      const back = await f.open(residentLogins[0]!);
      const after = await back.emitWithAck('group:sync', { cursors: { [groupId]: cursor }, changes });
      if (!after.ok) throw new Error(after.error.message);
      // Held messages come back as compact edits; a newer one comes whole, already a placeholder.
      expect(after.edits.map((e) => [e.seq, e.status])).toEqual([
        [own.seq, 'recalled'],
        [other.seq, 'removed'],
      ]);
      expect(after.edits[1]!.changeSeq).toBeGreaterThan(after.edits[0]!.changeSeq);
      expect(after.messages.map((m) => [m.seq, m.status, m.text])).toEqual([[later.seq, 'recalled', '']]);
      expect(after.changes[groupId]).toBeGreaterThan(changes[groupId]!);
      expect(JSON.stringify(after)).not.toContain('红包');

      const again = await back.emitWithAck('group:sync', { cursors: { [groupId]: later.seq }, changes: after.changes });
      expect(again).toMatchObject({ ok: true, messages: [], edits: [], changes: after.changes });
      // A client without a change cursor (an older cache) gets every edit of what it holds.
      const cold = await back.emitWithAck('group:sync', { cursors: { [groupId]: later.seq } });
      expect(cold.ok && cold.edits.map((e) => e.seq)).toEqual(expect.arrayContaining([own.seq, other.seq, later.seq]));
      // Recalling twice is refused and moves nothing.
      expect(await officer.emitWithAck('message:recall', { groupId, seq: own.seq })).toMatchObject({
        ok: false,
        error: { code: 'conflict' },
      });
      const still = await back.emitWithAck('group:sync', { cursors: { [groupId]: later.seq }, changes: after.changes });
      expect(still).toMatchObject({ ok: true, edits: [], changes: after.changes });
    });

    it('pages edits within the limit and resumes from the cursor it gave', async () => {
      const officer = await f.open(officerLogin);
      const sent = [await send(officer, '一'), await send(officer, '二'), await send(officer, '三')];
      const reader = await f.open(residentLogins[0]!);
      const start = await reader.emitWithAck('group:sync', { cursors: { [groupId]: sent[2]!.seq - 1 } });
      if (!start.ok) throw new Error(start.error.message);
      const cursor = sent[2]!.seq;
      const changes = start.changes;
      for (const m of sent) await officer.emitWithAck('message:recall', { groupId, seq: m.seq });
      const page = await reader.emitWithAck('group:sync', { cursors: { [groupId]: cursor }, changes, limit: 2 });
      if (!page.ok) throw new Error(page.error.message);
      expect(page.edits.map((e) => e.seq)).toEqual([sent[0]!.seq, sent[1]!.seq]);
      expect(page.more).toBe(true);
      const rest = await reader.emitWithAck('group:sync', {
        cursors: { [groupId]: cursor },
        changes: page.changes,
        limit: 2,
      });
      expect(rest).toMatchObject({ ok: true, more: false, edits: [{ seq: sent[2]!.seq, status: 'recalled' }] });
    });

    it('announces a message again when its send is retried: one committed by a node that died before announcing reaches everyone', async () => {
      const db = f.t.hub.store.db;
      const officer = await f.open(officerLogin);
      const member = await f.open(residentLogins[0]!);
      const officerId = (
        await db.selectFrom('users').select('id').where('login', '=', officerLogin).executeTakeFirstOrThrow()
      ).id;
      // Stored exactly as a send stores it, but nobody was told: its node died before the announcement.
      const clientId = cid();
      const orphan = await createMessageLog({ db, now: Date.now }).append({
        groupId,
        senderId: officerId,
        clientId,
        text: '节点宕机前已保存的消息',
      });

      const arrived = collectUntil<MessageView>(member, 'message:created', (m) => m.text === '哨兵');
      const retry = await officer.emitWithAck('message:send', { groupId, clientId, text: '节点宕机前已保存的消息' });
      expect(retry).toMatchObject({
        ok: true,
        duplicate: true,
        message: { id: orphan.message.id, seq: orphan.message.seq },
      });
      await send(officer, '哨兵');
      const seqs = (await arrived).map((m) => m.seq);
      expect(seqs[0]).toBe(orphan.message.seq);
      expect(seqs).toHaveLength(2);
      // Still one message in the store.
      expect(await db.selectFrom('messages').select('id').where('client_id', '=', clientId).execute()).toHaveLength(1);
    });

    it('announces a hotline message again when its send is retried, to the desk and the resident', async () => {
      const resident = await f.open(f.residentA.login);
      const created = await resident.emitWithAck('hotline:create', {
        clientId: cid(),
        category: 'consultation',
        text: '请问户口迁移要带什么材料？',
      });
      if (!created.ok) throw new Error(created.error.message);
      const threadId = created.thread.id;
      const head = await f.open(f.headLogin);
      const clientId = cid();
      const live = eventWhere<MessageView>(resident, 'hotline:message-created', (m) => m.clientId === clientId);
      const first = await head.emitWithAck('hotline:send', { threadId, clientId, text: '带身份证和户口本' });
      if (!first.ok) throw new Error(first.error.message);
      await live;

      const arrived = collectUntil<MessageView>(resident, 'hotline:message-created', (m) => m.text === '哨兵');
      const retry = await head.emitWithAck('hotline:send', { threadId, clientId, text: '带身份证和户口本' });
      expect(retry).toMatchObject({ ok: true, duplicate: true, message: { id: first.message.id } });
      expect(await head.emitWithAck('hotline:send', { threadId, clientId: cid(), text: '哨兵' })).toMatchObject({
        ok: true,
      });
      expect((await arrived).map((m) => m.seq)).toEqual([first.message.seq, first.message.seq + 1]);
    });
  });
}
