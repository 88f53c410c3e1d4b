import { describe, expect, it } from 'vitest';
import { openStore } from '../store/database.ts';
import { queryCounter } from '../../test-support/query-counter.ts';
import { seededStore } from '../../test-support/seeded-store.ts';
import { createTempPostgres, storeDialects } from '../../test-support/services.ts';
import { newId } from '../ids.ts';
import { seedDemo } from '../org/demo-seed.ts';
import { addMembers, openConversation } from './conversation-members.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { createGroupCommit, type Appended } from './group-commit.ts';
import { createMessageLog, type AppendInput } from './message-log.ts';

let n = 0;
const cid = () => `gc-${Date.now()}-${++n}`;

/** Fresh groups of three demo officers each (squad groups of no unit, made by the conversation module's own writers). */
async function groupsWithMembers(db: Kysely<Database>, count: number) {
  const staff = (
    await db.selectFrom('users').select('id').where('role', '=', 'officer').orderBy('id').limit(3).execute()
  ).map((u) => u.id);
  if (staff.length < 3) throw new Error('the demo has fewer than three officers');
  const made = [];
  for (let k = 0; k < count; k++) {
    const groupId = newId();
    await openConversation(db, { id: groupId, kind: 'squad', name: `批量${k}`, at: Date.now() });
    await addMembers(db, groupId, staff, { at: Date.now() });
    made.push({ groupId, userIds: staff });
  }
  return made;
}

/** The group's seq counter, its messages' seqs in order, and each member's read cursor. */
async function stateOf(db: Kysely<Database>, groupId: string) {
  const { last_seq } = await db
    .selectFrom('groups')
    .select('last_seq')
    .where('id', '=', groupId)
    .executeTakeFirstOrThrow();
  const seqs = (
    await db.selectFrom('messages').select('seq').where('group_id', '=', groupId).orderBy('seq').execute()
  ).map((r) => Number(r.seq));
  return { lastSeq: Number(last_seq), seqs };
}

const readSeq = async (db: Kysely<Database>, groupId: string, userId: string) =>
  Number(
    (
      await db
        .selectFrom('group_members')
        .select('read_seq')
        .where('group_id', '=', groupId)
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow()
    ).read_seq,
  );

const gapFree = (s: { lastSeq: number; seqs: number[] }) =>
  expect(s.seqs).toEqual(Array.from({ length: s.lastSeq }, (_, k) => k + 1));

/**
 * Group commit on the real store: sends in flight at once are written in shared transactions with
 * a bounded number of statements, seqs stay gap-free and in arrival order, a client id resent
 * within a batch is stored once, and a batch that fails is written message by message so only
 * its bad message fails.
 */
for (const dialect of await storeDialects()) {
  describe.skipIf(!dialect.available)(`group commit on ${dialect.name}`, () => {
    const store = seededStore(dialect, 'group-commit');

    /** A log on a counting handle, and a committer whose batches are recorded with their statements. */
    function setUp(maxBatch?: number) {
      const counter = queryCounter();
      const db = store().db.withPlugin(counter.plugin);
      const log = createMessageLog({ db, now: Date.now });
      const batches: { size: number; statements: number; ok: boolean }[] = [];
      const commit = createGroupCommit({
        log: {
          append: log.append,
          async appendBatch(inputs) {
            const before = counter.queries;
            try {
              const out = await log.appendBatch(inputs);
              batches.push({ size: inputs.length, statements: counter.queries - before, ok: true });
              return out;
            } catch (err) {
              batches.push({ size: inputs.length, statements: counter.queries - before, ok: false });
              throw err;
            }
          },
        },
        ...(maxBatch && { maxBatch }),
      });
      return { commit, log, batches };
    }

    const input = (groupId: string, senderId: string, text: string, clientId = cid()): AppendInput => ({
      groupId,
      senderId,
      clientId,
      text,
    });

    it('writes what arrives during a write in batches of three statements (four on PostgreSQL), seqs gap-free in arrival order', async () => {
      const db = store().db;
      const groups = await groupsWithMembers(db, 3);
      // As a socket's send: the sender as its event shows them is known, not read.
      const people = await db
        .selectFrom('users')
        .select(['id', 'name', 'role'])
        .where('id', 'in', groups[0]!.userIds)
        .execute();
      const { commit, batches } = setUp(16);
      const sends: { input: AppendInput; out: Promise<Appended> }[] = [];
      for (let k = 0; k < 40; k++) {
        const g = groups[k % groups.length]!;
        const sender = people.find((p) => p.id === g.userIds[k % g.userIds.length])!;
        const i = { ...input(g.groupId, sender.id, `第${k}条`), known: { sender } };
        sends.push({ input: i, out: commit.append(i) });
      }
      const outs = await Promise.all(sends.map((s) => s.out));

      // The first found no write running and went alone; the rest came while writes ran.
      expect(batches.map((b) => b.size)).toEqual([16, 16, 7]);
      for (const b of batches) {
        expect(b.ok).toBe(true);
        // Seqs, rows and read cursors: three statements; PostgreSQL locks the groups first.
        expect(b.statements).toBe(dialect.name === 'postgres' ? 4 : 3);
      }
      for (const [k, o] of outs.entries()) {
        expect(o.duplicate).toBe(false);
        expect(o.message).toMatchObject({ groupId: sends[k]!.input.groupId, text: `第${k}条`, status: 'ok' });
      }
      for (const g of groups) {
        const state = await stateOf(db, g.groupId);
        gapFree(state);
        const mine = outs.filter((o) => o.message.groupId === g.groupId).map((o) => o.message.seq);
        // Arrival order is seq order, ending at the group's head.
        expect(mine).toEqual([...mine].sort((a, b) => a - b));
        expect(mine.at(-1)).toBe(state.lastSeq);
        for (const u of g.userIds) {
          const last = outs.filter((o) => o.message.groupId === g.groupId && o.message.sender.id === u).at(-1);
          if (last) expect(await readSeq(db, g.groupId, u)).toBe(last.message.seq);
        }
      }
      // Built from what was written: the same as the store gives back.
      const back = await createMessageLog({ db, now: Date.now }).byId(outs[20]!.message.id);
      expect(outs[20]!.message).toEqual(back);
    });

    it('stores a client id resent within a batch once and answers both with it; another group is a conflict', async () => {
      const db = store().db;
      const [g] = await groupsWithMembers(db, 1);
      const [u, v] = g!.userIds;
      const { commit, batches } = setUp();
      const before = await stateOf(db, g!.groupId);
      const again = cid();
      const [lead, first, resent, other, elsewhere] = await Promise.allSettled([
        commit.append(input(g!.groupId, u!, '先写的')),
        commit.append(input(g!.groupId, v!, '原文', again)),
        commit.append(input(g!.groupId, v!, '原文', again)),
        commit.append(input(g!.groupId, u!, '另一条')),
        commit.append(input('another-group', v!, '原文', again)),
      ]);
      expect(batches.map((b) => b.size)).toEqual([2]);
      if (first.status !== 'fulfilled' || resent.status !== 'fulfilled') throw new Error('a send failed');
      expect(first.value.duplicate).toBe(false);
      expect(resent.value).toEqual({ message: first.value.message, duplicate: true });
      // The sender was not known: read once for the batch, shown as the store shows it.
      expect(first.value.message).toEqual(await createMessageLog({ db, now: Date.now }).byId(first.value.message.id));
      expect(lead.status === 'fulfilled' && other.status === 'fulfilled').toBe(true);
      expect(elsewhere).toMatchObject({ status: 'rejected', reason: { code: 'conflict' } });
      const after = await stateOf(db, g!.groupId);
      gapFree(after);
      expect(after.lastSeq).toBe(before.lastSeq + 3);
    });

    it('writes a failed batch message by message: only the bad ones fail, the rest keep gap-free seqs', async () => {
      const db = store().db;
      const [g, h] = await groupsWithMembers(db, 2);
      const { commit, batches } = setUp();
      // Another node stored this client id already: this node's batch hits the unique index.
      const taken = cid();
      const elsewhere = await createMessageLog({ db, now: Date.now }).append(
        input(g!.groupId, g!.userIds[0]!, '别处', taken),
      );
      const before = [await stateOf(db, g!.groupId), await stateOf(db, h!.groupId)];
      const [lead, good1, dup, gone, good2] = await Promise.allSettled([
        commit.append(input(h!.groupId, h!.userIds[0]!, '先写的')),
        commit.append(input(g!.groupId, g!.userIds[1]!, '好的一')),
        commit.append(input(g!.groupId, g!.userIds[0]!, '别处', taken)),
        commit.append(input('no-such-group', g!.userIds[1]!, '没有这个群')),
        commit.append(input(h!.groupId, h!.userIds[1]!, '好的二')),
      ]);
      expect(batches).toMatchObject([{ size: 4, ok: false }]);
      expect(lead.status).toBe('fulfilled');
      expect(good1).toMatchObject({ status: 'fulfilled', value: { duplicate: false, message: { text: '好的一' } } });
      expect(good2).toMatchObject({ status: 'fulfilled', value: { duplicate: false, message: { text: '好的二' } } });
      expect(dup).toMatchObject({ status: 'fulfilled', value: { duplicate: true, message: elsewhere.message } });
      expect(gone).toMatchObject({ status: 'rejected', reason: { code: 'not_found' } });
      const after = [await stateOf(db, g!.groupId), await stateOf(db, h!.groupId)];
      for (const s of after) gapFree(s);
      expect(after[0]!.lastSeq).toBe(before[0]!.lastSeq + 1);
      expect(after[1]!.lastSeq).toBe(before[1]!.lastSeq + 2);
    });

    it.skipIf(dialect.name !== 'postgres')(
      'keeps seqs gap-free with two nodes batching the same groups at once, in opposite orders',
      async () => {
        // Two nodes: each its own pool on one database, its own log and committer.
        const target = await createTempPostgres();
        const a = await openStore({ databaseUrl: target.url, dataDir: '' });
        await seedDemo(a.db);
        const second = await openStore({ databaseUrl: target.url, dataDir: '', migrate: 'never' });
        try {
          const groups = await groupsWithMembers(a.db, 4);
          const nodes = [a, second].map((s) =>
            createGroupCommit({ log: createMessageLog({ db: s.db, now: Date.now }) }),
          );
          const sends: Promise<Appended>[] = [];
          for (let k = 0; k < 160; k++) {
            const node = k % 2;
            const order = node === 0 ? groups : [...groups].reverse();
            const g = order[Math.floor(k / 2) % order.length]!;
            sends.push(nodes[node]!.append(input(g.groupId, g.userIds[k % g.userIds.length]!, `节点${node}`)));
          }
          const outs = await Promise.all(sends);
          expect(outs.every((o) => !o.duplicate)).toBe(true);
          for (const g of groups) {
            const s = await stateOf(a.db, g.groupId);
            gapFree(s);
            expect(s.seqs.length).toBe(40);
          }
        } finally {
          await second.close();
          await a.close();
          await target.drop();
        }
      },
    );
  });
}
