import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiClient,
  connectSocket,
  createTempPostgres,
  demoLogin,
  freePort,
  hasRedisServer as redisServerOnPath,
  login,
  nextEvent,
  readJson,
  REDIS_URL,
  serviceAvailable,
  startPrivateRedis,
  startTestHub,
  type ApiClient,
  type TestHub,
  type TestSocket,
} from '@fengqiao/hub/test-support';

const ready = (await serviceAvailable('postgres')) && (await serviceAvailable('redis'));
const hasRedisServer = redisServerOnPath('the principal cache outage test');

type ConnectError = Error & { data?: { code: string } };

/** 'connected', or the refusal's code. */
async function outcome(p: Promise<TestSocket>): Promise<string | undefined> {
  try {
    (await p).close();
    return 'connected';
  } catch (err) {
    return (err as ConnectError).data?.code;
  }
}

/** Reconnects with this cookie until the node answers it from its principal cache, so the test covers the cache. */
async function cachedOn(node: TestHub, cookie: string): Promise<void> {
  await expect
    .poll(
      async () => {
        const before = node.hub.realtime.principalCacheStats().hits;
        (await connectSocket(node.url, { cookie })).close();
        return node.hub.realtime.principalCacheStats().hits > before;
      },
      { timeout: 10_000 },
    )
    .toBe(true);
}

/** Two nodes on one PostgreSQL store and this Redis; an admin signed in on A. */
async function twoNodes(redisUrl: string) {
  const pg = await createTempPostgres();
  const env = {
    REDIS_CHANNEL_PREFIX: `fq-principals-${randomBytes(4).toString('hex')}`,
    FANOUT_PROBE_INTERVAL_MS: '200',
  };
  const a = await startTestHub({ databaseUrl: pg.url, redisUrl, env: { ...env, NODE_ID: 'hub-a' } });
  const b = await startTestHub({ databaseUrl: pg.url, redisUrl, env: { ...env, NODE_ID: 'hub-b' } });
  const admin = apiClient(a.url, (await login(a.url, 'admin')).cookie);
  return {
    a,
    b,
    admin,
    close: async () => {
      await Promise.all([a.close(), b.close()]);
      await pg.drop();
    },
  };
}

/**
 * Each node keeps the principals of sessions it authenticated lately (realtime/principal-cache), so
 * a reconnect skips the store. What ends a session or changes a person on node A must reach node
 * B's cache: by the time B has closed the session's sockets (the same ordered channel), B refuses
 * the old cookie or reads the person anew.
 */
describe.skipIf(!ready)('cached principals on two nodes', () => {
  let nodes: Awaited<ReturnType<typeof twoNodes>>;
  let a: TestHub;
  let b: TestHub;
  let admin: ApiClient;
  const sockets: TestSocket[] = [];
  const track = (s: TestSocket) => (sockets.push(s), s);

  beforeAll(async () => {
    nodes = await twoNodes(REDIS_URL);
    ({ a, b, admin } = nodes);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await nodes?.close();
  });

  it('a sign-out on node A: node B refuses the old cookie, though it had it cached', async () => {
    const officer = await login(a.url, await demoLogin(a.hub, 'officer'));
    await cachedOn(b, officer.cookie);
    const open = track(await connectSocket(b.url, { cookie: officer.cookie }));
    const closed = nextEvent<string>(open, 'disconnect');
    const out = await fetch(`${a.url}/api/auth/logout`, {
      method: 'POST',
      headers: { origin: a.url, cookie: officer.cookie },
    });
    expect(out.ok).toBe(true);
    expect(await closed).toBe('io server disconnect');
    expect(await outcome(connectSocket(b.url, { cookie: officer.cookie }))).toBe('unauthenticated');
    expect(await outcome(connectSocket(a.url, { cookie: officer.cookie }))).toBe('unauthenticated');
  });

  it('a person disabled on node A is refused on both nodes', async () => {
    const person = await login(a.url, await demoLogin(a.hub, 'auxiliary'));
    await cachedOn(a, person.cookie);
    await cachedOn(b, person.cookie);
    const open = track(await connectSocket(b.url, { cookie: person.cookie }));
    const revoked = nextEvent<{ reason: string }>(open, 'session:revoked');
    const res = await admin('POST', `/api/admin/people/${person.body.me.id}/disable`);
    expect(res.status).toBe(200);
    expect(await revoked).toEqual({ reason: 'account_disabled' });
    expect(await outcome(connectSocket(b.url, { cookie: person.cookie }))).toBe('unauthenticated');
    expect(await outcome(connectSocket(a.url, { cookie: person.cookie }))).toBe('unauthenticated');
  });

  it('a role changed on node A: the reconnect to node B carries the new role, its session kept', async () => {
    const person = await login(a.url, await demoLogin(a.hub, 'grid_worker'));
    const id = person.body.me.id;
    await cachedOn(b, person.cookie);
    const open = track(await connectSocket(b.url, { cookie: person.cookie }));
    const closed = nextEvent<string>(open, 'disconnect');
    const res = await admin('PATCH', `/api/admin/people/${id}`, { role: 'auxiliary' });
    expect(res.status).toBe(200);
    expect(await closed).toBe('io server disconnect');
    track(await connectSocket(b.url, { cookie: person.cookie }));
    const [socket] = await b.hub.realtime.io.local.in(`user:${id}`).fetchSockets();
    expect(socket?.data.principal.user.role).toBe('auxiliary');
  });
});

describe.skipIf(!ready || !hasRedisServer)('cached principals while the invalidation channel is down', () => {
  let redis: ChildProcess;
  let nodes: Awaited<ReturnType<typeof twoNodes>>;

  beforeAll(async () => {
    const port = await freePort();
    redis = await startPrivateRedis(port);
    nodes = await twoNodes(`redis://127.0.0.1:${port}`);
  });
  afterAll(async () => {
    await nodes?.close();
    redis?.kill('SIGKILL');
  });

  it('node B uses no cached principal once Redis is gone: a person disabled on A meanwhile is refused on B', async () => {
    const { a, b, admin } = nodes;
    const person = await login(a.url, await demoLogin(a.hub, 'officer'));
    await cachedOn(b, person.cookie);

    redis.kill('SIGKILL');
    await new Promise((r) => redis.once('exit', r));
    await expect
      .poll(async () => (await readJson(await fetch(`${b.url}/healthz`))).fanout.reachable, { timeout: 5000 })
      .toBe(false);
    // A's invalidation cannot reach B now: B must read the store.
    const res = await admin('POST', `/api/admin/people/${person.body.me.id}/disable`);
    expect(res.status).toBe(200);
    expect(await outcome(connectSocket(b.url, { cookie: person.cookie }))).toBe('unauthenticated');
  });
});
