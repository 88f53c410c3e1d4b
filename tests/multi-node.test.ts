import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import {
  connectSocket,
  createTempPostgres,
  demoLogin,
  login,
  nextEvent,
  readJson,
  REDIS_URL,
  serviceAvailable,
  startTestHub,
  type TestHub,
  type TestSocket,
} from '@fengqiao/hub/test-support';
import { nginxAvailable, startNginx, type Nginx } from './support/nginx.ts';

const ready = (await serviceAvailable('postgres')) && (await serviceAvailable('redis'));
const proxied = ready && nginxAvailable();

/**
 * Two hub processes' worth of hubs on one PostgreSQL and one Redis: the scaled-out shape, reached
 * straight at each node's port, then through nginx running deploy/nginx/fengqiao.conf, where the
 * node cookie it routes by (fq_node) picks the node.
 */
describe.each([
  { via: 'direct', ids: ['hub-a', 'hub-b'], skip: !ready },
  { via: 'nginx', ids: ['hub-3001', 'hub-3002'], skip: !proxied },
])('two hub nodes on PostgreSQL + Redis ($via)', ({ via, ids, skip }) => {
  let a: TestHub;
  let b: TestHub;
  let proxy: Nginx | undefined;
  let drop: () => Promise<void>;
  const sockets: TestSocket[] = [];
  const [idA, idB] = ids as [string, string];
  const test = skip ? it.skip : it;
  /** Where a request meant for a node goes; through nginx, `pin` adds the cookie that routes it there. */
  const urlOf = (node: TestHub) => proxy?.url ?? node.url;
  const pin = (node: TestHub, cookie?: string) =>
    proxy ? [cookie, `fq_node=${node === a ? idA : idB}`].filter(Boolean).join('; ') : cookie;

  beforeAll(async () => {
    if (skip) return;
    const pg = await createTempPostgres();
    drop = pg.drop;
    // A channel prefix of its own, so parallel runs on the same Redis never hear each other.
    const env = { REDIS_CHANNEL_PREFIX: `fq-test-${randomBytes(4).toString('hex')}` };
    [a, b] = await Promise.all([
      startTestHub({ databaseUrl: pg.url, redisUrl: REDIS_URL, env: { ...env, NODE_ID: idA } }),
      startTestHub({ databaseUrl: pg.url, redisUrl: REDIS_URL, env: { ...env, NODE_ID: idB } }),
    ]);
    if (via === 'nginx') proxy = await startNginx([a, b].map((n) => Number(new URL(n.url).port)));
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await proxy?.stop();
    await Promise.all([a?.close(), b?.close()]);
    await drop?.();
  });

  test('both nodes start together on one empty database, seed it once and report Redis fan-out ready', async () => {
    expect([a.hub.seeded, b.hub.seeded].filter(Boolean)).toHaveLength(1);
    const units = await a.hub.store.db
      .selectFrom('units')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(units.n)).toBeGreaterThan(30);
    for (const node of [a, b]) {
      const pinned = pin(node);
      const body = await readJson(await fetch(`${urlOf(node)}/readyz`, { headers: pinned ? { cookie: pinned } : {} }));
      expect(body).toMatchObject({
        ok: true,
        node: node === a ? idA : idB,
        store: { answers: true, writable: true },
        fanout: { kind: 'redis', reachable: true },
      });
    }
  });

  test('a session made on node A opens a socket on node B', async () => {
    const session = await login(urlOf(a), await demoLogin(a.hub, 'officer'));
    const s = await connectSocket(urlOf(b), { cookie: pin(b, session.cookie) });
    sockets.push(s);
    expect(await s.emitWithAck('system:ping', {})).toMatchObject({ ok: true, node: idB });
  });

  test('an event emitted to a room on node A reaches a client connected to node B', async () => {
    const officer = await login(urlOf(a), await demoLogin(a.hub, 'officer'));
    const s = await connectSocket(urlOf(b), { cookie: pin(b, officer.cookie) });
    sockets.push(s);
    const room = `unit:${officer.body.me.unit.id}:officer`; // everyone of one role in one unit
    const got = nextEvent<{ room: string; text: string }>(s, 'system:announced');
    // The adapter subscribes asynchronously: wait until node A sees B's socket in the room.
    await expect
      .poll(async () => (await a.hub.realtime.io.in(room).fetchSockets()).length, { timeout: 5000 })
      .toBeGreaterThan(0);
    a.hub.realtime.io.to(room).emit('system:announced', { room, text: '早会 08:00 开始', at: Date.now() });
    expect(await got).toMatchObject({ room, text: '早会 08:00 开始' });
  });

  test('presence asked on node A sees a person connected only to node B', async () => {
    const resident = await login(urlOf(b), await demoLogin(b.hub, 'resident'));
    sockets.push(await connectSocket(urlOf(b), { cookie: pin(b, resident.cookie) }));
    const dispatcher = await login(urlOf(a), await demoLogin(a.hub, 'dispatcher'));
    const s = await connectSocket(urlOf(a), { cookie: pin(a, dispatcher.cookie) });
    sockets.push(s);
    expect(await s.emitWithAck('presence:query', { userIds: [resident.body.me.id] })).toMatchObject({
      ok: true,
      online: [resident.body.me.id],
    });
  });

  test("logging out on node A closes that session's socket on node B", async () => {
    const session = await login(urlOf(a), await demoLogin(a.hub, 'grid_worker'));
    const s = await connectSocket(urlOf(b), { cookie: pin(b, session.cookie) });
    sockets.push(s);
    const revoked = nextEvent<{ reason: string }>(s, 'session:revoked');
    const gone = nextEvent<string>(s, 'disconnect');
    const res = await fetch(`${urlOf(a)}/api/auth/logout`, {
      method: 'POST',
      headers: { origin: urlOf(a), cookie: pin(a, session.cookie)! },
    });
    expect(res.status).toBe(200);
    expect(await revoked).toEqual({ reason: 'logged_out' });
    expect(await gone).toBe('io server disconnect');
  });

  test('disabling an account on node B closes its sockets on node A', async () => {
    const victim = await login(urlOf(a), await demoLogin(a.hub, 'auxiliary'));
    const s = await connectSocket(urlOf(a), { token: victim.token, origin: null, cookie: pin(a) });
    sockets.push(s);
    const gone = nextEvent<string>(s, 'disconnect');
    const admin = await login(urlOf(b), 'admin');
    const res = await fetch(`${urlOf(b)}/api/admin/users/${victim.body.me.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', origin: urlOf(b), cookie: pin(b, admin.cookie)! },
      body: JSON.stringify({ disabled: true }),
    });
    expect(res.status).toBe(200);
    expect(await gone).toBe('io server disconnect');
  });

  test("revoking a bot token on node B closes the bot's socket on node A, and only that token's", async () => {
    const admin = await login(urlOf(b), 'admin');
    const bot = await a.hub.store.db
      .selectFrom('users')
      .select('id')
      .where('role', '=', 'bot')
      .executeTakeFirstOrThrow();
    const issue = async (name: string) =>
      readJson(
        await fetch(`${urlOf(b)}/api/admin/bot-tokens`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: urlOf(b), cookie: pin(b, admin.cookie)! },
          body: JSON.stringify({ botUserId: bot.id, name }),
        }),
      );
    const [revokedToken, keptToken] = [await issue('two-node bot 1'), await issue('two-node bot 2')];
    const s = await connectSocket(urlOf(a), { token: revokedToken.token, origin: null, cookie: pin(a) });
    const kept = await connectSocket(urlOf(a), { token: keptToken.token, origin: null, cookie: pin(a) });
    sockets.push(s, kept);
    const revoked = nextEvent<{ reason: string }>(s, 'session:revoked');
    const gone = nextEvent<string>(s, 'disconnect');
    // The adapter subscribes asynchronously: wait until node B sees A's socket in its token's room.
    await expect
      .poll(async () => (await b.hub.realtime.io.in(`bot-token:${revokedToken.id}`).fetchSockets()).length, {
        timeout: 5000,
      })
      .toBe(1);
    const res = await fetch(`${urlOf(b)}/api/admin/bot-tokens/${revokedToken.id}`, {
      method: 'DELETE',
      headers: { origin: urlOf(b), cookie: pin(b, admin.cookie)! },
    });
    expect(res.status).toBe(200);
    expect(await revoked).toEqual({ reason: 'token_revoked' });
    expect(await gone).toBe('io server disconnect');
    expect(await kept.emitWithAck('system:ping', {})).toMatchObject({ ok: true, node: idA });
    const again = await connectSocket(urlOf(a), { token: revokedToken.token, origin: null, cookie: pin(a) }).catch(
      (err: { data?: { code: string } }) => err.data?.code,
    );
    expect(again).toBe('unauthenticated');
  });
});
