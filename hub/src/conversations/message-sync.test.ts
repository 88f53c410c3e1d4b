import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageEdit, MessageView, SyncAnswer } from '../protocol/index.ts';
import {
  addStaff,
  connectSocket,
  firstStation,
  login,
  startTestHub,
  storeDialects,
  type TestHub,
  type TestSocket,
} from '../../test-support/index.ts';
import { newId } from '../ids.ts';
import { addMembers, openConversation } from './conversation-members.ts';
import { queryCounter } from '../../test-support/query-counter.ts';
import { deleteMessagesUpTo } from './conversation-retention.ts';
import { createMessageSync } from './message-sync.ts';

let n = 0;
const cid = () => `sync-${Date.now()}-${++n}`;
/** Messages each of the reader's groups gets: empty groups, small ones and ones larger than a page. */
const SIZES = [0, 3, 7, 1, 12, 0, 5, 9, 2, 4];

/**
 * Catch-up over many conversations at once (`group:sync`): what a person who was away gets for
 * every group they hold a cursor for, page by page, and what they never get.
 */
for (const dialect of await storeDialects()) {
  describe.skipIf(!dialect.available)(`catch-up over many groups on ${dialect.name}`, () => {
    let t: TestHub;
    let drop: () => Promise<void>;
    let reader: TestSocket;
    let writer: TestSocket;
    /** The reader's groups, in the order it lists its cursors. */
    let groups: string[];
    /** A group of the writer's only. */
    let foreign: string;
    const sockets: TestSocket[] = [];
    const open = async (l: string) => {
      const s = await connectSocket(t.url, { cookie: (await login(t.url, l)).cookie });
      sockets.push(s);
      return s;
    };
    const sync = async (s: TestSocket, req: object): Promise<SyncAnswer> => {
      const res = await s.emitWithAck('group:sync', req as never);
      if (!res.ok) throw new Error(res.error.message);
      return res;
    };
    /** The store's messages of a group after `cursor`, and its edits of seqs up to it after `since`. */
    const stored = async (groupId: string, cursor: number, since = 0) => {
      const rows = await t.hub.store.db
        .selectFrom('messages')
        .select(['id', 'seq', 'status', 'change_seq'])
        .where('group_id', '=', groupId)
        .orderBy('seq')
        .execute();
      const g = await t.hub.store.db
        .selectFrom('groups')
        .select('change_seq')
        .where('id', '=', groupId)
        .executeTakeFirstOrThrow();
      return {
        seqs: rows.filter((r) => r.seq > cursor).map((r) => r.seq),
        edits: rows
          .filter((r) => r.seq <= cursor && r.change_seq !== null && r.change_seq > since)
          .sort((a, b) => a.change_seq! - b.change_seq!)
          .map((r) => r.id),
        changeSeq: Number(g.change_seq),
      };
    };

    beforeAll(async () => {
      const target = await dialect.databaseUrl();
      drop = target.drop;
      t = await startTestHub({
        databaseUrl: target.url,
        env: { MESSAGE_RATE_STAFF_PER_MINUTE: '1000000' },
      });
      const { stationId } = await firstStation(t.hub);
      const [readerLogin, writerLogin] = await addStaff(t.hub, stationId, 2, 'officer', 'sync');
      const ids = new Map(
        (
          await t.hub.store.db
            .selectFrom('users')
            .select(['id', 'login'])
            .where('login', 'in', [readerLogin!, writerLogin!])
            .execute()
        ).map((u) => [u.login, u.id]),
      );
      const at = Date.now();
      const make = async (name: string, members: string[]) => {
        const id = newId();
        await openConversation(t.hub.store.db, { id, kind: 'squad', name, at });
        await addMembers(t.hub.store.db, id, members, { at });
        return id;
      };
      groups = [];
      for (const [i] of SIZES.entries())
        groups.push(await make(`同步测试群 ${i + 1}`, [ids.get(readerLogin!)!, ids.get(writerLogin!)!]));
      foreign = await make('别人的群', [ids.get(writerLogin!)!]);
      writer = await open(writerLogin!);
      reader = await open(readerLogin!);
      for (const [i, size] of SIZES.entries())
        for (let k = 0; k < size; k++) {
          const res = await writer.emitWithAck('message:send', {
            groupId: groups[i]!,
            clientId: cid(),
            text: `第${i + 1}群 ${k + 1}`,
          });
          if (!res.ok) throw new Error(res.error.message);
        }
      const res = await writer.emitWithAck('message:send', { groupId: foreign, clientId: cid(), text: '别人的消息' });
      if (!res.ok) throw new Error(res.error.message);
    });
    afterAll(async () => {
      for (const s of sockets) s.close();
      await t?.close();
      await drop?.();
    });

    it('answers every group after its own cursor, gap-free, in the order of the cursors, with each change cursor', async () => {
      const cursors = Object.fromEntries(groups.map((g, i) => [g, Math.min(i % 3, SIZES[i]!)]));
      const answer = await sync(reader, { cursors, limit: 1000 });
      expect(answer.more).toBe(false);
      const expected: [string, number][] = [];
      for (const g of groups) for (const seq of (await stored(g, cursors[g]!)).seqs) expected.push([g, seq]);
      expect(answer.messages.map((m) => [m.groupId, m.seq])).toEqual(expected);
      expect(answer.messages.every((m) => m.sender.name.length > 0 && m.text.startsWith('第'))).toBe(true);
      expect(answer.edits).toEqual([]);
      expect(answer.changes).toEqual(Object.fromEntries(groups.map((g) => [g, 0])));
      expect(answer.floors).toBeUndefined();
    });

    it('answers lists of every length alike (each padded to its own prepared statement), the padding never matching', async () => {
      for (let k = 1; k <= groups.length; k++) {
        const mine = groups.slice(groups.length - k);
        const answer = await sync(reader, { cursors: Object.fromEntries(mine.map((g) => [g, 0])), limit: 1000 });
        const expected: [string, number][] = [];
        for (const g of mine) for (const seq of (await stored(g, 0)).seqs) expected.push([g, seq]);
        expect(answer.messages.map((m) => [m.groupId, m.seq])).toEqual(expected);
        expect(Object.keys(answer.changes).sort()).toEqual([...mine].sort());
      }
    });

    it('pages by the limit across groups (messages and edits alike) and loses or doubles nothing resuming from what each page gave', async () => {
      // Two recalls in a group the reader already holds up to seq 5: edits it learns of on the way.
      const held = groups[4]!;
      for (const seq of [2, 4])
        expect(await writer.emitWithAck('message:recall', { groupId: held, seq })).toMatchObject({ ok: true });
      const cursors: Record<string, number> = Object.fromEntries(groups.map((g) => [g, g === held ? 5 : 0]));
      let changes: Record<string, number> = {};
      const got: MessageView[] = [];
      const edits: MessageEdit[] = [];
      for (let page = 0; ; page++) {
        expect(page).toBeLessThan(30);
        const answer = await sync(reader, { cursors, changes, limit: 4 });
        const rows = answer.messages.length + answer.edits.length;
        // A page that says "more" is full; each group's messages continue exactly where its cursor was.
        if (answer.more) expect(rows).toBe(4);
        else expect(rows).toBeLessThanOrEqual(4);
        for (const m of answer.messages) {
          expect(m.seq).toBe(cursors[m.groupId]! + 1);
          cursors[m.groupId] = m.seq;
        }
        got.push(...answer.messages);
        edits.push(...answer.edits);
        changes = { ...changes, ...answer.changes };
        if (!answer.more) break;
      }
      const expected: [string, number][] = [];
      for (const g of groups) for (const seq of (await stored(g, g === held ? 5 : 0)).seqs) expected.push([g, seq]);
      expect(got.map((m) => [m.groupId, m.seq])).toEqual(expected);
      expect(edits.map((e) => [e.groupId, e.seq, e.status])).toEqual([
        [held, 2, 'recalled'],
        [held, 4, 'recalled'],
      ]);
      expect(changes[held]).toBe((await stored(held, 0)).changeSeq);
      // Caught up: asking again gives nothing, and every group's change cursor stays where it is.
      const again = await sync(reader, { cursors, changes, limit: 4 });
      expect(again).toMatchObject({ messages: [], edits: [], more: false, changes });
    });

    it('indexes edited messages only: new messages add no entry to the edits index, and the edits query reads it', async () => {
      const db = t.hub.store.db;
      const edited = await db
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('change_seq', '>', 0)
        .executeTakeFirstOrThrow();
      const all = await db
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(edited.n)).toBeGreaterThanOrEqual(2);
      expect(Number(all.n)).toBeGreaterThan(Number(edited.n) + 40);
      if (dialect.name === 'sqlite') {
        // dbstat: the index's leaf cells are its entries, one per edited message.
        const { rows } = await sql<{ cells: number }>`
          select sum(ncell) as cells from dbstat where name = 'messages_group_edit_idx' and pagetype = 'leaf'`.execute(
          db,
        );
        expect(Number(rows[0]!.cells)).toBe(Number(edited.n));
        const plan = await sql<{ detail: string }>`explain query plan
          select m.id from (values (${groups[4]!}, 5, 0, 10)) as c
          join messages m on m.group_id = c.column1 and m.seq <= c.column2
            and m.change_seq > 0 and m.change_seq > c.column3 and m.change_seq <= c.column4`.execute(db);
        expect(plan.rows.map((r) => r.detail).join('\n')).toContain('messages_group_edit_idx');
      } else {
        // After VACUUM ANALYZE, pg_class counts the index's entries.
        await sql`vacuum analyze messages`.execute(db);
        const { rows } = await sql<{ entries: number }>`
          select reltuples as entries from pg_class where relname = 'messages_group_edit_idx'`.execute(db);
        expect(rows).toHaveLength(1);
        expect(Number(rows[0]!.entries)).toBe(Number(edited.n));
      }
    });

    it("gives nothing of another person's group or of an id that is no group, and no cursor for them", async () => {
      const unknown = newId();
      const answer = await sync(reader, {
        cursors: { [foreign]: 0, [unknown]: 0, [groups[1]!]: 0 },
        changes: { [foreign]: 0 },
      });
      expect(answer.messages.map((m) => m.groupId)).toEqual(Array(SIZES[1]).fill(groups[1]));
      expect(Object.keys(answer.changes)).toEqual([groups[1]]);
      expect(answer.floors).toBeUndefined();
    });

    it('reads a range once for members catching up together, and reads it again once a recall moved the change counter', async () => {
      // The catch-up on its own statements, counted (a plugin runs every statement through Kysely).
      const counter = queryCounter();
      const syncAfter = createMessageSync(t.hub.store.db.withPlugin(counter.plugin));
      const g = groups[9]!;
      const from = (await stored(g, 0)).seqs.at(-1)!;
      for (const text of ['集合点改到东门', '带上执法记录仪', '十分钟后出发']) {
        const res = await writer.emitWithAck('message:send', { groupId: g, clientId: cid(), text });
        expect(res).toMatchObject({ ok: true });
      }
      const catchUp = async () => {
        const before = counter.queries;
        const answer = await syncAfter([[g, from]], {}, 1000);
        return { answer, statements: counter.queries - before };
      };
      const first = await catchUp();
      expect(first.answer.messages.map((m) => [m.seq, m.text])).toEqual([
        [from + 1, '集合点改到东门'],
        [from + 2, '带上执法记录仪'],
        [from + 3, '十分钟后出发'],
      ]);
      // Counters, then the messages; the next member with the same cursor reads the counters only.
      expect(first.statements).toBe(2);
      const second = await catchUp();
      expect(second.answer).toEqual(first.answer);
      expect(second.statements).toBe(1);
      // A recall in the range: the next catch-up sees the placeholder, never the text from before.
      expect(await writer.emitWithAck('message:recall', { groupId: g, seq: from + 2 })).toMatchObject({ ok: true });
      const third = await catchUp();
      expect(third.answer.messages.map((m) => [m.seq, m.status, m.text])).toEqual([
        [from + 1, 'ok', '集合点改到东门'],
        [from + 2, 'recalled', ''],
        [from + 3, 'ok', '十分钟后出发'],
      ]);
      expect(third.answer.changes).toEqual({ [g]: (await stored(g, 0)).changeSeq });
      // Another cursor is another range: read from the store, not cut out of the one held.
      const later = await syncAfter([[g, from + 1]], {}, 1000);
      expect(later.messages.map((m) => m.seq)).toEqual([from + 2, from + 3]);
      // And the hub's own catch-up answers the same through the socket.
      const live = await sync(reader, { cursors: { [g]: from } });
      expect(live.messages).toEqual(third.answer.messages);
    });

    it('says where history starts when retention deleted what came after the cursor', async () => {
      const [pruned, emptied] = [groups[7]!, groups[3]!];
      await deleteMessagesUpTo(t.hub.store.db, pruned, 6, 100);
      await deleteMessagesUpTo(t.hub.store.db, emptied, 1, 100);
      const answer = await sync(reader, { cursors: { [pruned]: 2, [emptied]: 0, [groups[2]!]: 6 } });
      expect(answer.messages.map((m) => [m.groupId, m.seq])).toEqual([
        [pruned, 7],
        [pruned, 8],
        [pruned, 9],
        [groups[2], 7],
      ]);
      // History starts at 7 in one group; nothing is left of the other (its floor is past its last seq).
      expect(answer.floors).toEqual({ [pruned]: 7, [emptied]: 2 });
      // A cursor at or past the floor is not told of it again.
      expect((await sync(reader, { cursors: { [pruned]: 6, [emptied]: 1 } })).floors).toBeUndefined();
    });

    it.each([
      ['a negative cursor', { cursors: { G: -1 } }],
      ['a fractional cursor', { cursors: { G: 1.5 } }],
      ['a cursor that is not a number', { cursors: { G: '3' } }],
      ['cursors that are a list', { cursors: [0] }],
      ['an empty group id', { cursors: { '': 0 } }],
      ['a limit of 0', { cursors: { G: 0 }, limit: 0 }],
      ['a limit over 1,000', { cursors: { G: 0 }, limit: 1001 }],
      ['a negative change cursor', { cursors: { G: 0 }, changes: { G: -2 } }],
    ])('refuses %s with a clear error', async (_name, raw) => {
      const req = JSON.parse(JSON.stringify(raw).replaceAll('"G"', JSON.stringify(groups[1])));
      const res = await reader.emitWithAck('group:sync', req);
      expect(res).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    });

    it('refuses more than 500 cursors at once', async () => {
      const cursors = Object.fromEntries(Array.from({ length: 501 }, () => [newId(), 0]));
      expect(await reader.emitWithAck('group:sync', { cursors })).toMatchObject({
        ok: false,
        error: { code: 'validation_failed' },
      });
    });
  });
}
