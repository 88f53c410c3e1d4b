import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addStaff,
  createTempPostgres,
  login,
  nextEvent,
  readJson,
  REDIS_URL,
  serviceAvailable,
  startTestHub,
  type TestHub,
  type TestSocket,
} from '@fengqiao/hub/test-support';
import type { MessageView } from '@fengqiao/hub/protocol';
import { nginxAvailable, startNginx, type Nginx } from './support/nginx.ts';

const ready = (await serviceAvailable('postgres')) && (await serviceAvailable('redis')) && nginxAvailable();
const portOf = (t: TestHub) => Number(new URL(t.url).port);

/** A sign-in through the proxy from a loopback address of our choosing, with a forged X-Forwarded-For. */
function loginFrom(url: string, from: string, body: object): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/api/auth/login`,
      {
        method: 'POST',
        localAddress: from,
        headers: { 'content-type': 'application/json', origin: url, 'x-forwarded-for': '198.51.100.7' },
      },
      (res) => (res.resume(), resolve(res.statusCode!)),
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/** Two hubs on PostgreSQL + Redis behind our nginx running deploy/nginx/fengqiao.conf. */
describe.skipIf(!ready)('two hub nodes behind nginx (deploy/nginx/fengqiao.conf)', () => {
  let a: TestHub;
  let b: TestHub;
  let proxy: Nginx;
  let drop: () => Promise<void>;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    const pg = await createTempPostgres();
    drop = pg.drop;
    const env = {
      REDIS_CHANNEL_PREFIX: `fq-test-${randomBytes(4).toString('hex')}`,
      TRUST_PROXY: 'loopback',
      LOGIN_SOURCE_FAILURES_PER_HOUR: '3',
    };
    // The node ids the shipped map knows: the third shipped node is down throughout.
    a = await startTestHub({ databaseUrl: pg.url, redisUrl: REDIS_URL, env: { ...env, NODE_ID: 'hub-3001' } });
    b = await startTestHub({ databaseUrl: pg.url, redisUrl: REDIS_URL, env: { ...env, NODE_ID: 'hub-3002' } });
    proxy = await startNginx([portOf(a), portOf(b)]);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await proxy?.stop();
    await Promise.all([a?.close(), b?.close()]);
    await drop?.();
  });

  it('redirects plain HTTP to HTTPS, keeping the path', async () => {
    const res = await fetch(`${proxy.redirectUrl}/groups?x=1`, { redirect: 'manual' });
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('https://127.0.0.1/groups?x=1');
  });

  it('sends a request carrying a node cookie to that node, and others to a live node', async () => {
    const node = async (cookie?: string) =>
      (await readJson(await fetch(`${proxy.url}/healthz`, { headers: cookie ? { cookie } : {} }))).node;
    expect(await node('fq_node=hub-3001')).toBe('hub-3001');
    expect(await node('fq_node=hub-3002')).toBe('hub-3002');
    // Down, unknown or absent: the balanced pool (a client can name only the nodes the map lists).
    for (const cookie of ['fq_node=hub-3003', 'fq_node=evil', undefined])
      expect(['hub-3001', 'hub-3002']).toContain(await node(cookie));
  });

  it('a long-polling client stays on its node while it exchanges group messages with a websocket client on the other', async () => {
    const grid = await a.hub.store.db
      .selectFrom('groups')
      .innerJoin('units', 'units.id', 'groups.unit_id')
      .select(['groups.id', 'units.parent_id'])
      .where('groups.kind', '=', 'grid')
      .orderBy('units.sort')
      .executeTakeFirstOrThrow();
    const members = await a.hub.store.db
      .selectFrom('group_members')
      .innerJoin('users', 'users.id', 'group_members.user_id')
      .select('users.login')
      .where('group_members.group_id', '=', grid.id)
      .where('group_members.status', '=', 'active')
      .where('users.role', 'in', ['officer', 'grid_worker', 'auxiliary'])
      .orderBy('users.id')
      .limit(2)
      .execute();
    expect(members).toHaveLength(2);
    const [first, second] = await Promise.all(members.map((m) => login(proxy.url, m.login)));

    // Polling only, with a cookie jar (withCredentials): its requests carry the node cookie it is given.
    const poller: TestSocket = io(proxy.url, {
      transports: ['polling'],
      withCredentials: true,
      reconnection: false,
      forceNew: true,
      auth: { token: first!.token },
    });
    sockets.push(poller);
    await nextEvent(poller, 'connect');
    const sessionId = poller.id;
    const home = (await poller.emitWithAck('system:ping', {})) as { ok: true; node: string };
    const other = home.node === 'hub-3001' ? 'hub-3002' : 'hub-3001';

    const ws: TestSocket = io(proxy.url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      extraHeaders: { origin: proxy.url, cookie: `${second!.cookie}; fq_node=${other}` },
    });
    sockets.push(ws);
    await nextEvent(ws, 'connect');
    expect(await ws.emitWithAck('system:ping', {})).toMatchObject({ ok: true, node: other });
    let dropped = false;
    poller.on('disconnect', () => (dropped = true));

    for (let i = 0; i < 10; i += 1) {
      const [sender, receiver] = i % 2 ? [poller, ws] : [ws, poller];
      const got = nextEvent<MessageView>(receiver, 'message:created');
      const text = `经代理的第${i + 1}条`;
      const sent = await sender.emitWithAck('message:send', { groupId: grid.id, clientId: `nginx-proxy-${i}`, text });
      expect(sent, JSON.stringify(sent)).toMatchObject({ ok: true });
      expect(await got).toMatchObject({ groupId: grid.id, text });
      // Every poll and every command of the polling session reached the same node.
      expect(await poller.emitWithAck('system:ping', {})).toMatchObject({ ok: true, node: home.node });
    }
    expect(poller.id).toBe(sessionId);
    expect(poller.io.engine.transport.name).toBe('polling');
    expect(dropped).toBe(false);
  });

  it('counts failed sign-ins per client address as nginx saw it, whatever X-Forwarded-For the client sent', async () => {
    const unit = (
      await a.hub.store.db.selectFrom('users').select('unit_id').where('role', '=', 'officer').executeTakeFirstOrThrow()
    ).unit_id;
    const accounts = await addStaff(a.hub, unit, 6, 'officer', 'ngx');
    const wrong = (i: number) => ({ login: accounts[i], password: 'not-the-password' });
    // 127.0.0.2 has three failures (LOGIN_SOURCE_FAILURES_PER_HOUR) on three accounts, then is refused.
    const fromTwo = [];
    for (let i = 0; i < 4; i += 1) fromTwo.push(await loginFrom(proxy.url, '127.0.0.2', wrong(i)));
    expect(fromTwo).toEqual([401, 401, 401, 429]);
    // Another address is a source of its own: not refused; the forged header named neither.
    expect(await loginFrom(proxy.url, '127.0.0.3', wrong(4))).toBe(401);
    expect(await loginFrom(proxy.url, '127.0.0.3', { login: accounts[5], password: a.demoPassword })).toBe(200);
  });
});
