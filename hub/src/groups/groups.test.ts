import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GroupView, MessageView } from '../protocol/index.ts';
import {
  addStaff,
  connectSocket,
  login,
  nextEvent,
  startTestHub,
  storeDialects,
  type TestHub,
  type TestSocket,
} from '../../test-support/index.ts';
import { provisionGroups } from './group-provisioning.ts';

let n = 0;
const cid = () => `msg-${Date.now()}-${++n}`;

/** Grid group chat over real sockets, on SQLite and PostgreSQL. */
for (const dialect of await storeDialects()) {
  describe.skipIf(!dialect.available)(`group chat on ${dialect.name}`, () => {
    let t: TestHub;
    let drop: () => Promise<void>;
    let databaseUrl: string | undefined;
    let gridId: string;
    let groupId: string;
    let residentLogin: string;
    let officerLogin: string;
    const sockets: TestSocket[] = [];
    const open = async (l: string) => {
      const s = await connectSocket(t.url, { cookie: (await login(t.url, l)).cookie });
      sockets.push(s);
      return s;
    };
    const messagesInStore = async (g: string) =>
      await t.hub.store.db
        .selectFrom('messages')
        .select(['seq', 'client_id'])
        .where('group_id', '=', g)
        .orderBy('seq')
        .execute();

    beforeAll(async () => {
      // These tests flood on purpose (500 messages); the send-rate limit has a hub of its own below.
      const target = await dialect.databaseUrl();
      drop = target.drop;
      databaseUrl = target.url;
      t = await startTestHub({
        databaseUrl,
        env: { MESSAGE_RATE_STAFF_PER_MINUTE: '1000000', MESSAGE_RATE_RESIDENT_PER_MINUTE: '1000000' },
      });
      const db = t.hub.store.db;
      const grid = await db
        .selectFrom('units')
        .select(['id', 'parent_id'])
        .where('kind', '=', 'grid')
        .orderBy('sort')
        .executeTakeFirstOrThrow();
      gridId = grid.id;
      groupId = (
        await db
          .selectFrom('groups')
          .select('id')
          .where('unit_id', '=', gridId)
          .where('kind', '=', 'grid')
          .executeTakeFirstOrThrow()
      ).id;
      residentLogin = (
        await db
          .selectFrom('users')
          .select('login')
          .where('unit_id', '=', gridId)
          .where('role', '=', 'resident')
          .orderBy('id')
          .executeTakeFirstOrThrow()
      ).login;
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
      for (const s of sockets) s.close();
      await t?.close();
      await drop?.();
    });

    it('gives every grid its group, with its residents, grid worker and the community officer', async () => {
      const db = t.hub.store.db;
      const grids = await db.selectFrom('units').select('id').where('kind', '=', 'grid').execute();
      const gridGroups = await db.selectFrom('groups').select('unit_id').where('kind', '=', 'grid').execute();
      expect(gridGroups.map((g) => g.unit_id).sort()).toEqual(grids.map((g) => g.id).sort());
      const resident = await open(residentLogin);
      const res = await resident.emitWithAck('group:list', {});
      if (!res.ok) throw new Error(res.error.message);
      expect(res.groups.map((g: GroupView) => g.id)).toEqual([groupId]);
      const officer = await open(officerLogin);
      const og = await officer.emitWithAck('group:list', {});
      expect(og.ok && og.groups.filter((g) => g.kind === 'grid')).toHaveLength(2);
      expect(await provisionGroups(db)).toEqual({ groups: 0, members: 0 });
    });

    it("keeps one order for 20 members sending at once: everyone ends with the store's sequence, no gaps, no duplicates", async () => {
      const extra = await addStaff(t.hub, gridId, 10, 'resident', 'r');
      await provisionGroups(t.hub.store.db);
      const members = (
        await t.hub.store.db
          .selectFrom('group_members')
          .innerJoin('users', 'users.id', 'group_members.user_id')
          .select('users.login')
          .where('group_id', '=', groupId)
          .execute()
      ).map((m) => m.login);
      expect(members.length).toBeGreaterThanOrEqual(20);
      expect(members).toEqual(expect.arrayContaining(extra));
      const clients = await Promise.all(members.slice(0, 20).map(open));
      for (const c of clients) await c.emitWithAck('group:sync', { cursors: { [groupId]: 0 } });
      const startSeq = (
        await t.hub.store.db.selectFrom('groups').select('last_seq').where('id', '=', groupId).executeTakeFirstOrThrow()
      ).last_seq;
      const seen = clients.map(() => [] as number[]);
      clients.forEach((c, i) =>
        c.on('message:created', (m: MessageView) => m.groupId === groupId && seen[i]!.push(m.seq)),
      );

      const PER_CLIENT = 5;
      await Promise.all(
        clients.flatMap((c, i) =>
          Array.from({ length: PER_CLIENT }, (_, k) =>
            c.emitWithAck('message:send', { groupId, clientId: cid(), text: `成员${i}的第${k}条` }),
          ),
        ),
      );
      const total = clients.length * PER_CLIENT;
      await expect.poll(() => seen.every((s) => s.length === total), { timeout: 5000 }).toBe(true);
      const store = (await messagesInStore(groupId)).map((m) => m.seq).filter((s) => s > startSeq);
      expect(store).toEqual(Array.from({ length: total }, (_, i) => startSeq + 1 + i));
      for (const s of seen) expect(s).toEqual(store);
    });

    it('gives a member who missed 500 messages all of them on reconnect, in order, once', async () => {
      const reader = await open(residentLogin);
      const start = await reader.emitWithAck('group:sync', { cursors: { [groupId]: 0 } });
      if (!start.ok) throw new Error(start.error.message);
      let cursor = (
        await t.hub.store.db.selectFrom('groups').select('last_seq').where('id', '=', groupId).executeTakeFirstOrThrow()
      ).last_seq;
      reader.close();
      const writer = await open(officerLogin);
      for (let i = 0; i < 500; i++)
        await writer.emitWithAck('message:send', { groupId, clientId: cid(), text: `通知 ${i}` });

      const back = await open(residentLogin);
      const got: MessageView[] = [];
      for (;;) {
        const page = await back.emitWithAck('group:sync', { cursors: { [groupId]: cursor }, limit: 200 });
        if (!page.ok) throw new Error(page.error.message);
        got.push(...page.messages);
        if (page.messages.length) cursor = page.messages.at(-1)!.seq;
        if (!page.more) break;
      }
      expect(got).toHaveLength(500);
      expect(got.map((m) => m.text)).toEqual(Array.from({ length: 500 }, (_, i) => `通知 ${i}`));
      expect(new Set(got.map((m) => m.seq)).size).toBe(500);
    });

    it('stores one message for a retried send with the same client id', async () => {
      const s = await open(residentLogin);
      const clientId = cid();
      const a = await s.emitWithAck('message:send', { groupId, clientId, text: '门口有积水' });
      const b = await s.emitWithAck('message:send', { groupId, clientId, text: '门口有积水' });
      expect(a.ok && b.ok && a.message.seq === b.message.seq).toBe(true);
      expect(b).toMatchObject({ duplicate: true });
      expect((await messagesInStore(groupId)).filter((m) => m.client_id === clientId)).toHaveLength(1);
    });

    it('recalls within two minutes, refuses after, and lets the grid officer remove any message; placeholders for everyone', async () => {
      const s = await open(residentLogin);
      const officer = await open(officerLogin);
      await officer.emitWithAck('group:sync', { cursors: { [groupId]: 0 }, limit: 1 });
      const sent = await s.emitWithAck('message:send', { groupId, clientId: cid(), text: '发错群了' });
      if (!sent.ok) throw new Error(sent.error.message);
      const changed = nextEvent<MessageView>(officer, 'message:changed');
      expect(await s.emitWithAck('message:recall', { groupId, seq: sent.message.seq })).toMatchObject({
        ok: true,
        message: { status: 'recalled', text: '' },
      });
      expect(await changed).toMatchObject({ seq: sent.message.seq, status: 'recalled', text: '' });

      const old = await s.emitWithAck('message:send', { groupId, clientId: cid(), text: '三分钟前的消息' });
      if (!old.ok) throw new Error(old.error.message);
      await t.hub.store.db
        .updateTable('messages')
        .set({ created_at: Date.now() - 3 * 60_000 })
        .where('id', '=', old.message.id)
        .execute();
      expect(await s.emitWithAck('message:recall', { groupId, seq: old.message.seq })).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
      expect(await officer.emitWithAck('message:recall', { groupId, seq: old.message.seq })).toMatchObject({
        ok: true,
        message: { status: 'removed' },
      });
      const history = await s.emitWithAck('group:history', { groupId, limit: 5 });
      expect(history.ok && history.messages.find((m) => m.seq === old.message.seq)).toMatchObject({
        status: 'removed',
        text: '',
      });
    });

    it('moves read cursors forward only', async () => {
      const s = await open(residentLogin);
      const last = (
        await t.hub.store.db.selectFrom('groups').select('last_seq').where('id', '=', groupId).executeTakeFirstOrThrow()
      ).last_seq;
      expect(await s.emitWithAck('group:read', { groupId, seq: last + 100 })).toMatchObject({
        ok: true,
        readSeq: last,
      });
      expect(await s.emitWithAck('group:read', { groupId, seq: 1 })).toMatchObject({ ok: true, readSeq: last });
      const list = await s.emitWithAck('group:list', {});
      expect(list.ok && list.groups[0]!.unread).toBe(0);
    });

    it("finds messages of one's own groups by Chinese text, with match positions, never another grid's", async () => {
      const s = await open(officerLogin);
      await s.emitWithAck('message:send', { groupId, clientId: cid(), text: '3号楼停车纠纷已调解，停车位按登记分配' });
      const res = await s.emitWithAck('message:search', { query: '停车' });
      if (!res.ok) throw new Error(res.error.message);
      const hit = res.hits.find((h) => h.message.text.startsWith('3号楼停车纠纷'))!;
      expect(hit.matches).toEqual([
        [3, 5],
        [11, 13],
      ]);
      expect(await s.emitWithAck('message:search', { query: '100%_' })).toMatchObject({ ok: true, hits: [] });
      const db = t.hub.store.db;
      const other = await db
        .selectFrom('users')
        .innerJoin('units', 'units.id', 'users.unit_id')
        .select('users.login')
        .where('users.role', '=', 'resident')
        .where('units.kind', '=', 'grid')
        .where('units.id', '!=', gridId)
        .executeTakeFirstOrThrow();
      const stranger = await open(other.login);
      expect(await stranger.emitWithAck('message:search', { query: '停车' })).toMatchObject({ ok: true, hits: [] });
      expect(await stranger.emitWithAck('message:search', { query: '停车', groupId })).toMatchObject({
        ok: false,
        error: { code: 'not_found' },
      });
    });

    describe('a resident of another grid', () => {
      let stranger: TestSocket;
      beforeAll(async () => {
        const db = t.hub.store.db;
        const other = await db
          .selectFrom('users')
          .innerJoin('units', 'units.id', 'users.unit_id')
          .select('users.login')
          .where('users.role', '=', 'resident')
          .where('units.kind', '=', 'grid')
          .where('units.id', '!=', gridId)
          .executeTakeFirstOrThrow();
        stranger = await open(other.login);
      });

      it("cannot post, read history, mark read or recall in this grid's group, by guessing its id", async () => {
        const before = (await messagesInStore(groupId)).length;
        expect(
          await stranger.emitWithAck('message:send', { groupId, clientId: cid(), text: '我也想看' }),
        ).toMatchObject({ ok: false, error: { code: 'not_found' } });
        expect(await stranger.emitWithAck('group:history', { groupId })).toMatchObject({
          ok: false,
          error: { code: 'not_found' },
        });
        expect(await stranger.emitWithAck('group:read', { groupId, seq: 1 })).toMatchObject({
          ok: false,
          error: { code: 'not_found' },
        });
        expect(await stranger.emitWithAck('message:recall', { groupId, seq: 1 })).toMatchObject({
          ok: false,
          error: { code: 'not_found' },
        });
        expect((await messagesInStore(groupId)).length).toBe(before);
      });

      it('gets nothing of it through sync, and never its live messages', async () => {
        expect(await stranger.emitWithAck('group:sync', { cursors: { [groupId]: 0 } })).toMatchObject({
          ok: true,
          messages: [],
        });
        let leaked = false;
        stranger.on('message:created', (m: MessageView) => (leaked ||= m.groupId === groupId));
        const s = await open(residentLogin);
        await s.emitWithAck('message:send', { groupId, clientId: cid(), text: '只给本网格看' });
        await new Promise((r) => setTimeout(r, 200));
        expect(leaked).toBe(false);
      });
    });

    describe('bad input gets a clear error and stores nothing', () => {
      const cases: [string, () => unknown][] = [
        ['empty text', () => ({ groupId, clientId: cid(), text: '   ' })],
        ['oversize text', () => ({ groupId, clientId: cid(), text: '字'.repeat(2001) })],
        ['wrong types', () => ({ groupId: 42, clientId: cid(), text: ['x'] })],
        ['short client id', () => ({ groupId, clientId: 'x', text: '你好' })],
      ];
      for (const [name, payload] of cases) {
        it(name, async () => {
          const s = await open(residentLogin);
          const before = (await messagesInStore(groupId)).length;
          expect(await s.emitWithAck('message:send', payload() as never)).toMatchObject({
            ok: false,
            error: { code: 'validation_failed' },
          });
          expect((await messagesInStore(groupId)).length).toBe(before);
        });
      }

      it("a forged sender field is ignored: the message is the socket owner's", async () => {
        const s = await open(residentLogin);
        const officerId = (await login(t.url, officerLogin)).body.me.id;
        const res = await s.emitWithAck('message:send', {
          groupId,
          clientId: cid(),
          text: '冒充民警',
          senderId: officerId,
          sender: { id: officerId },
        } as never);
        expect(res.ok && res.message.sender.id).not.toBe(officerId);
        expect(res.ok && res.message.sender.role).toBe('resident');
      });
    });

    it.skipIf(dialect.name !== 'postgres')(
      'two hubs on one PostgreSQL store concurrent messages from many senders once each, seq gap-free',
      async () => {
        const db = t.hub.store.db;
        const other = await startTestHub({ databaseUrl, env: { MESSAGE_RATE_STAFF_PER_MINUTE: '1000000' } });
        try {
          const grid = await db
            .selectFrom('units')
            .select('parent_id')
            .where('id', '=', gridId)
            .executeTakeFirstOrThrow();
          const logins = await addStaff(t.hub, grid.parent_id!, 12, 'officer', 'cw');
          const people = await db.selectFrom('users').select('id').where('login', 'in', logins).execute();
          await db
            .insertInto('group_members')
            .values(
              people.map((p) => ({
                group_id: groupId,
                user_id: p.id,
                status: 'active' as const,
                read_seq: 0,
                joined_at: Date.now(),
                muted_until: null,
              })),
            )
            .execute();
          const senders = await Promise.all(
            logins.map(async (l, i) => {
              const hub = i % 2 === 0 ? t : other;
              const s = await connectSocket(hub.url, { cookie: (await login(hub.url, l)).cookie });
              sockets.push(s);
              return s;
            }),
          );
          const { last_seq: start } = await db
            .selectFrom('groups')
            .select('last_seq')
            .where('id', '=', groupId)
            .executeTakeFirstOrThrow();
          const acks = await Promise.all(
            senders.flatMap((s, i) =>
              Array.from({ length: 10 }, (_, k) =>
                s.emitWithAck('message:send', { groupId, clientId: `cw-${i}-${k}-${cid()}`, text: `并发${i}-${k}` }),
              ),
            ),
          );
          const failed = acks.filter((a) => !a.ok);
          expect(failed).toEqual([]);
          const stored = (await messagesInStore(groupId)).filter((m) => m.seq > Number(start));
          expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: 120 }, (_, k) => Number(start) + k + 1));
          const acked = acks.map((a) => (a.ok ? a.message.clientId : ''));
          expect(new Set(stored.map((m) => m.client_id))).toEqual(new Set(acked));
        } finally {
          await other.close();
        }
      },
    );
  });
}

describe('group chat send rate', () => {
  const sockets: TestSocket[] = [];
  afterAll(() => sockets.forEach((s) => s.close()));
  it('limits how fast a resident may post, with a clear wait, and stores nothing over the limit', async () => {
    const limited = await startTestHub();
    try {
      const db = limited.hub.store.db;
      const gridId = (
        await db.selectFrom('units').select('id').where('kind', '=', 'grid').orderBy('sort').executeTakeFirstOrThrow()
      ).id;
      const groupId = (
        await db.selectFrom('groups').select('id').where('unit_id', '=', gridId).executeTakeFirstOrThrow()
      ).id;
      const fresh = (
        await db
          .selectFrom('users')
          .select('login')
          .where('unit_id', '=', gridId)
          .where('role', '=', 'resident')
          .orderBy('id', 'desc')
          .executeTakeFirstOrThrow()
      ).login;
      const s = await connectSocket(limited.url, { cookie: (await login(limited.url, fresh)).cookie });
      sockets.push(s);
      const results = [];
      for (let i = 0; i < 8; i++)
        results.push(await s.emitWithAck('message:send', { groupId, clientId: cid(), text: `刷屏${i}` }));
      const refused = results.filter((r) => !r.ok);
      expect(results.filter((r) => r.ok).length).toBeLessThanOrEqual(6);
      expect(refused.length).toBeGreaterThanOrEqual(2);
      expect(refused[0]).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
      expect(!refused[0]!.ok && refused[0]!.error.retryAfter).toBeGreaterThan(0);
      const stored = await db.selectFrom('messages').select('text').where('text', 'like', '刷屏%').execute();
      expect(stored.length).toBe(results.filter((r) => r.ok).length);
    } finally {
      await limited.close();
    }
  });
});
