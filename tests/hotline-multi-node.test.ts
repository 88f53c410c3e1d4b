import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HotlineThreadView, MessageView } from '@fengqiao/hub/protocol';
import {
  connectSocket,
  createTempPostgres,
  login,
  nextEvent,
  REDIS_URL,
  serviceAvailable,
  startTestHub,
  type TestHub,
  type TestSocket,
} from '@fengqiao/hub/test-support';

const ready = (await serviceAvailable('postgres')) && (await serviceAvailable('redis'));
let n = 0;
const cid = () => `hlmn-${Date.now()}-${++n}`;

/** The hotline on two hub nodes sharing PostgreSQL and Redis. */
describe.skipIf(!ready)('station-head hotline across two hub nodes', () => {
  let a: TestHub;
  let b: TestHub;
  let drop: () => Promise<void>;
  let headLogin: string;
  let residentLogin: string;
  const sockets: TestSocket[] = [];
  const open = async (node: TestHub, l: string) => {
    const s = await connectSocket(node.url, { cookie: (await login(node.url, l)).cookie });
    sockets.push(s);
    return s;
  };

  beforeAll(async () => {
    const pg = await createTempPostgres();
    drop = pg.drop;
    const env = {
      REDIS_CHANNEL_PREFIX: `fq-test-${randomBytes(4).toString('hex')}`,
      HOTLINE_SWEEP_INTERVAL_MS: '3600000',
    };
    a = await startTestHub({ databaseUrl: pg.url, redisUrl: REDIS_URL, env: { ...env, NODE_ID: 'hub-a' } });
    b = await startTestHub({ databaseUrl: pg.url, redisUrl: REDIS_URL, env: { ...env, NODE_ID: 'hub-b' } });
    const db = a.hub.store.db;
    const station = await db
      .selectFrom('units')
      .select(['id', 'path'])
      .where('kind', '=', 'station')
      .orderBy('sort')
      .executeTakeFirstOrThrow();
    headLogin = (
      await db
        .selectFrom('users')
        .select('login')
        .where('unit_id', '=', station.id)
        .where('role', '=', 'station_head')
        .executeTakeFirstOrThrow()
    ).login;
    residentLogin = (
      await db
        .selectFrom('users')
        .innerJoin('units', 'units.id', 'users.unit_id')
        .select('users.login')
        .where('users.role', '=', 'resident')
        .where('units.path', 'like', `${station.path}%`)
        .orderBy('users.id')
        .executeTakeFirstOrThrow()
    ).login;
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await Promise.all([a?.close(), b?.close()]);
    await drop?.();
  });

  let thread: HotlineThreadView;

  it("a thread written on node A arrives in the head's inbox on node B, and the answer from B reaches the resident on A live", async () => {
    const head = await open(b, headLogin);
    const resident = await open(a, residentLogin);
    const arrived = nextEvent<{ thread: HotlineThreadView; change: string }>(head, 'hotline:thread-changed');
    const res = await resident.emitWithAck('hotline:create', {
      clientId: cid(),
      category: 'dispute',
      text: '楼上邻居装修噪音到晚上十点，协商不成，请所长帮忙调解。',
    });
    if (!res.ok) throw new Error(res.error.message);
    thread = res.thread;
    const got = await arrived;
    expect(got).toMatchObject({ change: 'created', thread: { id: thread.id } });
    expect(got.thread.staff).not.toBeNull();
    const reply = nextEvent<MessageView>(resident, 'hotline:message-created');
    const sent = await head.emitWithAck('hotline:send', {
      threadId: thread.id,
      clientId: cid(),
      text: '您好，社区民警和调解员明天上午上门调解。',
    });
    expect(sent.ok).toBe(true);
    const live = await reply;
    expect(live).toMatchObject({ groupId: thread.id, seq: 2 });
    expect(live.text).toContain('调解');
  });

  it('a resident offline during the reply (node B) finds it on return to node A', async () => {
    const head = await open(b, headLogin);
    for (const s of sockets.splice(0)) if (s !== head) s.close();
    sockets.push(head);
    await head.emitWithAck('hotline:send', {
      threadId: thread.id,
      clientId: cid(),
      text: '调解已约定：施工时间改为上午九点至下午六点。',
    });
    const back = await open(a, residentLogin);
    const sync = await back.emitWithAck('hotline:sync', { cursors: { [thread.id]: 2 } });
    expect(sync.ok && sync.messages.map((m) => [m.seq, m.text.includes('九点')])).toEqual([[3, true]]);
  });

  it('flags an overdue thread to the station head exactly once while both nodes sweep', async () => {
    const resident = await open(a, residentLogin);
    const res = await resident.emitWithAck('hotline:create', {
      clientId: cid(),
      category: 'consultation',
      text: '请问户口迁移需要本人到场吗？',
    });
    if (!res.ok) throw new Error(res.error.message);
    // The response target has passed: set it in the store rather than waiting.
    await a.hub.store.db
      .updateTable('hotline_threads')
      .set({ due_at: Date.now() - 1000 })
      .where('id', '=', res.thread.id)
      .execute();
    const heads = [await open(a, headLogin), await open(b, headLogin)];
    const flags: string[][] = heads.map(() => []);
    heads.forEach((h, i) => h.on('hotline:overdue', (e) => flags[i]!.push(e.thread.id)));
    const first = Promise.all(heads.map((h) => nextEvent<{ thread: HotlineThreadView }>(h, 'hotline:overdue')));
    const passes = await Promise.all([
      a.hub.sweepHotline(),
      b.hub.sweepHotline(),
      a.hub.sweepHotline(),
      b.hub.sweepHotline(),
    ]);
    expect(passes.reduce((sum, p) => sum + p.flagged, 0)).toBe(1);
    const got = await first;
    expect(got.map((e) => e.thread.id)).toEqual([res.thread.id, res.thread.id]);
    expect(got[0]!.thread.staff?.overdue).toBe(true);
    // A ping round trip on each socket: anything else emitted before it has arrived by now.
    for (const h of heads) await h.emitWithAck('system:ping', {});
    expect(await Promise.all([a.hub.sweepHotline(), b.hub.sweepHotline()])).toEqual([{ flagged: 0 }, { flagged: 0 }]);
    for (const h of heads) await h.emitWithAck('system:ping', {});
    expect(flags).toEqual([[res.thread.id], [res.thread.id]]);
    const row = await a.hub.store.db
      .selectFrom('hotline_threads')
      .select('overdue_flagged_at')
      .where('id', '=', res.thread.id)
      .executeTakeFirstOrThrow();
    expect(row.overdue_flagged_at).not.toBeNull();
  });
});
