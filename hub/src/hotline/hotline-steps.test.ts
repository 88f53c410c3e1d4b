import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeDialects, type TestSocket } from '../../test-support/index.ts';
import { cid, startHotlineFixture, type HotlineFixture } from '../../test-support/hotline-fixture.ts';

/**
 * Hand-off, resolve and reopen post a message and move the thread's status: both land or neither
 * does, and a retry after a half-done step (message stored, status not moved) completes it.
 */
for (const dialect of await storeDialects()) {
  describe.skipIf(!dialect.available)(`hotline steps are whole on ${dialect.name}`, () => {
    let f: HotlineFixture;
    let drop: () => Promise<void>;
    let head: TestSocket;
    let resident: TestSocket;
    let headId: string;
    const db = () => f.t.hub.store.db;

    beforeAll(async () => {
      const target = await dialect.databaseUrl();
      drop = target.drop;
      f = await startHotlineFixture({ databaseUrl: target.url });
      head = await f.open(f.headLogin);
      resident = await f.open(f.residentA.login);
      headId = (await db().selectFrom('users').select('id').where('login', '=', f.headLogin).executeTakeFirstOrThrow())
        .id;
    });
    afterAll(async () => {
      await f?.close();
      await drop?.();
    });

    async function newThread(): Promise<string> {
      const res = await resident.emitWithAck('hotline:create', {
        clientId: cid(),
        category: 'consultation',
        text: '楼下夜市噪音很大，能管一管吗？',
      });
      if (!res.ok) throw new Error(res.error.message);
      return res.thread.id;
    }
    const stored = (threadId: string) =>
      db().selectFrom('hotline_threads').selectAll().where('id', '=', threadId).executeTakeFirstOrThrow();
    const messagesOf = async (threadId: string, clientId: string) =>
      (
        await db()
          .selectFrom('messages')
          .select('id')
          .where('group_id', '=', threadId)
          .where('client_id', '=', clientId)
          .execute()
      ).length;

    /** What a hub that died between the two writes left: the step's message, the thread unchanged. */
    async function halfDone(threadId: string, senderId: string, clientId: string, text: string): Promise<void> {
      await db()
        .transaction()
        .execute(async (trx) => {
          const g = await trx
            .updateTable('groups')
            .set((eb) => ({ last_seq: eb('last_seq', '+', 1) }))
            .where('id', '=', threadId)
            .returning('last_seq')
            .executeTakeFirstOrThrow();
          await trx
            .insertInto('messages')
            .values({
              id: `m-${clientId}`,
              group_id: threadId,
              seq: Number(g.last_seq),
              sender_id: senderId,
              client_id: clientId,
              text,
              reply_to_seq: null,
              mentions: null,
              image_id: null,
              status: 'ok',
              created_at: Date.now(),
              changed_at: null,
            })
            .execute();
        });
    }

    /** A real failure of the status write: the store refuses to mark a thread resolved while the trigger exists. */
    async function refuseResolve(on: boolean): Promise<void> {
      if (dialect.name === 'sqlite') {
        if (on)
          await sql`create trigger refuse_resolve before update of status on hotline_threads when new.status = 'resolved' begin select raise(abort, 'refused'); end`.execute(
            db(),
          );
        else await sql`drop trigger refuse_resolve`.execute(db());
        return;
      }
      if (on) {
        await sql`create function refuse_resolve() returns trigger language plpgsql as $$ begin raise exception 'refused'; end $$`.execute(
          db(),
        );
        await sql`create trigger refuse_resolve before update on hotline_threads for each row when (new.status = 'resolved') execute function refuse_resolve()`.execute(
          db(),
        );
      } else {
        await sql`drop trigger refuse_resolve on hotline_threads`.execute(db());
        await sql`drop function refuse_resolve()`.execute(db());
      }
    }

    it('a resolve whose status write fails stores no message either; the retry resolves the thread once', async () => {
      const threadId = await newThread();
      const payload = { threadId, clientId: cid(), summary: '已协调城管夜间巡查。' };
      await refuseResolve(true);
      try {
        const failed = await head.emitWithAck('hotline:resolve', payload);
        expect(failed.ok).toBe(false);
      } finally {
        await refuseResolve(false);
      }
      expect(await messagesOf(threadId, payload.clientId)).toBe(0);
      expect((await stored(threadId)).status).not.toBe('resolved');
      const retried = await head.emitWithAck('hotline:resolve', payload);
      expect(retried.ok && retried.thread.status).toBe('resolved');
      expect(await messagesOf(threadId, payload.clientId)).toBe(1);
    });

    it('a retried resolve whose message was stored without the status change resolves the thread', async () => {
      const threadId = await newThread();
      const clientId = cid();
      await halfDone(threadId, headId, clientId, '已处理完毕。');
      const res = await head.emitWithAck('hotline:resolve', { threadId, clientId, summary: '已处理完毕。' });
      expect(res.ok && res.thread.status).toBe('resolved');
      const row = await stored(threadId);
      expect(row).toMatchObject({ status: 'resolved', resolution_summary: '已处理完毕。', resolved_by: headId });
      expect(await messagesOf(threadId, clientId)).toBe(1);
    });

    it('a retried hand-off left half done is completed; one that took effect is not written again', async () => {
      const threadId = await newThread();
      const clientId = cid();
      await halfDone(threadId, headId, clientId, '已转交区城管局处理。油烟');
      const payload = { threadId, clientId, department: '区城管局', reason: '油烟' };
      const res = await head.emitWithAck('hotline:hand-off', payload);
      expect(res.ok && res.thread.status).toBe('handed_off');
      expect(await stored(threadId)).toMatchObject({
        status: 'handed_off',
        handoff_department: '区城管局',
        handoff_by: headId,
      });

      // Resolved since: a late retry of the hand-off changes nothing.
      const done = await head.emitWithAck('hotline:resolve', { threadId, clientId: cid(), summary: '城管已处理。' });
      expect(done.ok).toBe(true);
      const again = await head.emitWithAck('hotline:hand-off', payload);
      expect(again.ok && again.thread.status).toBe('resolved');
    });

    it('a retried reopen left half done reopens the thread, unless it was resolved again since', async () => {
      const threadId = await newThread();
      const resolved = await head.emitWithAck('hotline:resolve', { threadId, clientId: cid(), summary: '已处理。' });
      expect(resolved.ok).toBe(true);
      // The reopen's message is later than the resolution (as it was when the resident wrote it).
      const clientId = cid();
      await db()
        .updateTable('hotline_threads')
        .set({ resolved_at: Date.now() - 1000 })
        .where('id', '=', threadId)
        .execute();
      await halfDone(threadId, f.residentA.id, clientId, '又吵起来了');
      const res = await resident.emitWithAck('hotline:reopen', { threadId, clientId, reason: '又吵起来了' });
      expect(res.ok && res.thread.status).toBe('in_progress');

      const closed = await head.emitWithAck('hotline:resolve', { threadId, clientId: cid(), summary: '再次处理。' });
      expect(closed.ok && closed.thread.status).toBe('resolved');
      const late = await resident.emitWithAck('hotline:reopen', { threadId, clientId, reason: '又吵起来了' });
      expect(late.ok && late.thread.status).toBe('resolved');
    });
  });
}
