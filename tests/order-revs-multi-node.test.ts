import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addStaff,
  connectSocket,
  createTempPostgres,
  firstStation,
  login,
  REDIS_URL,
  serviceAvailable,
  startTestHub,
  type TestHub,
  type TestSocket,
} from '@fengqiao/hub/test-support';
import type { AssignmentView } from '@fengqiao/hub/protocol';

const ready = (await serviceAvailable('postgres')) && (await serviceAvailable('redis'));

/**
 * The order catch-up (`order:sync`) on two nodes sharing PostgreSQL: a change that took its
 * revision early but commits late must still be returned to a client whose cursor already passed
 * a later revision committed on the other node. A row lock held by the test keeps the first write
 * in flight, deterministically, while the second commits.
 */
describe.skipIf(!ready)('order revisions with concurrent writers on two nodes', () => {
  let a: TestHub;
  let b: TestHub;
  let drop: () => Promise<void>;
  let dbUrl: string;
  let dispatcher: TestSocket;
  let onA: TestSocket;
  let onB: TestSocket;
  let officerId: string;

  beforeAll(async () => {
    const temp = await createTempPostgres();
    drop = temp.drop;
    dbUrl = temp.url;
    const env = {
      REDIS_CHANNEL_PREFIX: `fq-revs-${randomBytes(4).toString('hex')}`,
      ORDER_SWEEP_INTERVAL_MS: '3600000',
    };
    a = await startTestHub({ databaseUrl: dbUrl, redisUrl: REDIS_URL, env: { ...env, NODE_ID: 'hub-a' } });
    b = await startTestHub({ databaseUrl: dbUrl, redisUrl: REDIS_URL, env: { ...env, NODE_ID: 'hub-b' } });
    const { stationId, dispatcherLogin } = await firstStation(a.hub);
    const [officerLogin] = await addStaff(a.hub, stationId, 1, 'officer', 'rv');
    const sessionA = await login(a.url, officerLogin!);
    officerId = sessionA.body.me.id;
    onA = await connectSocket(a.url, { cookie: sessionA.cookie });
    onB = await connectSocket(b.url, { cookie: (await login(b.url, officerLogin!)).cookie });
    dispatcher = await connectSocket(a.url, { cookie: (await login(a.url, dispatcherLogin)).cookie });
  });
  afterAll(async () => {
    for (const s of [dispatcher, onA, onB]) s?.close();
    await Promise.all([a?.close(), b?.close()]);
    await drop?.();
  });

  async function send(title: string): Promise<string> {
    const res = await dispatcher.emitWithAck('order:create', {
      clientId: `rv-${randomBytes(6).toString('hex')}`,
      title,
      body: '并发写入的修订号测试。',
      priority: 'routine',
      targets: [{ kind: 'user' as const, userId: officerId }],
    });
    if (!res.ok) throw new Error(res.error.message);
    return res.order.id;
  }

  /** Everything the officer's client would hold after syncing from `since` to the end. */
  async function syncFrom(since: number): Promise<{ cursor: number; seen: AssignmentView[] }> {
    const seen: AssignmentView[] = [];
    let cursor = since;
    for (;;) {
      const res = await onB.emitWithAck('order:sync', { since: cursor });
      if (!res.ok) throw new Error(res.error.message);
      expect(res.reset).toBe(false);
      seen.push(...res.assignments);
      cursor = Math.max(cursor, res.cursor);
      if (!res.more) return { cursor, seen };
    }
  }

  /** Backends of this database waiting on a lock (the writes the test holds back). */
  async function waitingOnLocks(probe: pg.Client): Promise<number> {
    const r = await probe.query(
      `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
    );
    return r.rows[0].n as number;
  }

  it('a change that commits after a later one is still returned by the next catch-up', async () => {
    const first = await send('先取号后提交');
    const second = await send('后取号先提交');
    const start = await syncFrom(0);
    expect(start.seen.map((s) => s.order.id).sort()).toEqual([first, second].sort());

    const holder = new pg.Client({ connectionString: dbUrl });
    const probe = new pg.Client({ connectionString: dbUrl });
    await Promise.all([holder.connect(), probe.connect()]);
    try {
      // Hold the first assignment's row: the completion on node A takes its revision, then waits.
      await holder.query('begin');
      await holder.query('select 1 from order_recipients where order_id = $1 and user_id = $2 for update', [
        first,
        officerId,
      ]);
      const slow = onA.emitWithAck('order:act', {
        action: 'complete',
        orderId: first,
        clientId: `rv-slow-${Date.now()}`,
        text: '已处置完毕（先取号）',
      });
      await expect.poll(() => waitingOnLocks(probe), { timeout: 10_000 }).toBe(1);
      // The second completion on node B: with revisions handed out in commit order it may wait
      // for the first; with a plain sequence it commits now, with the higher revision.
      let fastDone = false;
      const fast = onB
        .emitWithAck('order:act', {
          action: 'complete',
          orderId: second,
          clientId: `rv-fast-${Date.now()}`,
          text: '已处置完毕（后取号）',
        })
        .then((r) => {
          fastDone = true;
          return r;
        });
      await expect.poll(async () => fastDone || (await waitingOnLocks(probe)) === 2, { timeout: 10_000 }).toBe(true);

      // The client catches up while the first write is still in flight...
      const during = await syncFrom(start.cursor);
      await holder.query('commit');
      expect((await slow).ok).toBe(true);
      expect((await fast).ok).toBe(true);
      // ...and again after it committed: between the two, both completions must have arrived.
      const after = await syncFrom(during.cursor);
      const latest = new Map<string, AssignmentView>();
      for (const s of [...start.seen, ...during.seen, ...after.seen]) {
        const held = latest.get(s.order.id);
        if (!held || s.rev >= held.rev) latest.set(s.order.id, s);
      }
      expect(latest.get(first)?.state).toBe('completed');
      expect(latest.get(first)?.feedback).toBe('已处置完毕（先取号）');
      expect(latest.get(second)?.state).toBe('completed');
    } finally {
      await holder.query('rollback').catch(() => {});
      await Promise.all([holder.end(), probe.end()]);
    }
  });

  it('a cursor beyond anything handed out is answered with a reset', async () => {
    const res = await onB.emitWithAck('order:sync', { since: Number.MAX_SAFE_INTEGER });
    if (!res.ok) throw new Error(res.error.message);
    expect(res.reset).toBe(true);
  });
});
