import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectSocket,
  demoLogin,
  freePort,
  hasRedisServer as redisServerOnPath,
  login,
  nextEvent,
  readJson,
  startPrivateRedis,
  startTestHub,
  type TestHub,
  type TestSocket,
} from '@fengqiao/hub/test-support';

const hasRedisServer = redisServerOnPath('the Redis restart test');

/** Short probe period: a node proves (or rebuilds) its receive path within it. */
const PROBE_MS = '200';

describe.skipIf(!hasRedisServer)('fan-out across a Redis restart', () => {
  let port: number;
  let redis: ChildProcess;
  let a: TestHub;
  let b: TestHub;
  let s: TestSocket;
  let room: string;

  beforeAll(async () => {
    port = await freePort();
    redis = await startPrivateRedis(port);
    // Two nodes on SQLite stores of their own: only fan-out is shared here, and that is what is tested.
    a = await startTestHub({
      redisUrl: `redis://127.0.0.1:${port}`,
      env: { NODE_ID: 'hub-a', FANOUT_PROBE_INTERVAL_MS: PROBE_MS },
    });
    b = await startTestHub({
      redisUrl: `redis://127.0.0.1:${port}`,
      env: { NODE_ID: 'hub-b', FANOUT_PROBE_INTERVAL_MS: PROBE_MS },
    });
    const officer = await login(b.url, await demoLogin(b.hub, 'officer'));
    s = await connectSocket(b.url, { cookie: officer.cookie });
    room = `user:${officer.body.me.id}`;
  });
  afterAll(async () => {
    s?.close();
    await Promise.all([a?.close(), b?.close()]);
    redis?.kill('SIGKILL');
  });

  const crossNodeDelivery = async (text: string) => {
    const got = nextEvent<{ text: string }>(s, 'system:announced', 3000);
    a.hub.realtime.io.to(room).emit('system:announced', { room, text, at: Date.now() });
    return (await got).text;
  };

  it('delivers across nodes, loses fan-out while Redis is down (healthz says so, both stay ready), and resumes after it returns', async () => {
    await expect.poll(() => crossNodeDelivery('before').catch(() => 'lost'), { timeout: 5000 }).toBe('before');

    redis.kill('SIGKILL');
    await new Promise((r) => redis.once('exit', r));
    // Both nodes stay ready (each serves its own clients); their details say fan-out is down.
    await expect
      .poll(async () => (await readJson(await fetch(`${a.url}/healthz`))).fanout.reachable, { timeout: 5000 })
      .toBe(false);
    expect((await fetch(`${a.url}/readyz`)).status).toBe(200);
    expect((await readJson(await fetch(`${b.url}/readyz`))).fanout.reachable).toBe(false);
    expect(s.connected).toBe(true);
    expect(await s.emitWithAck('system:ping', {})).toMatchObject({ ok: true });

    redis = await startPrivateRedis(port);
    await expect
      .poll(async () => (await readJson(await fetch(`${a.url}/healthz`))).fanout.reachable, { timeout: 10_000 })
      .toBe(true);
    // Node B's subscriber re-subscribed by itself: A's emits reach B's client again.
    await expect
      .poll(() => crossNodeDelivery('after').catch(() => 'lost'), { timeout: 10_000, interval: 500 })
      .toBe('after');
  });
});

describe.skipIf(!hasRedisServer)('a hub started while Redis is down', () => {
  let port: number;
  let redis: ChildProcess | undefined;
  const hubs: TestHub[] = [];
  let s: TestSocket | undefined;
  afterAll(async () => {
    s?.close();
    await Promise.all(hubs.map((h) => h.close()));
    redis?.kill('SIGKILL');
  });

  it('hears the other nodes once Redis comes up, within the probe period', async () => {
    port = await freePort();
    const redisUrl = `redis://127.0.0.1:${port}`;
    // The late node subscribes while Redis is unreachable: node-redis's own resubscription then
    // delivers nothing; the probe notices and rebuilds the subscriber.
    const late = await startTestHub({ redisUrl, env: { NODE_ID: 'hub-late', FANOUT_PROBE_INTERVAL_MS: PROBE_MS } });
    hubs.push(late);
    expect((await fetch(`${late.url}/readyz`)).status).toBe(200);
    // Redis comes up a while later, after the client's first reconnect attempts failed (the fault
    // needs them: a Redis back within a second of the start does not show it).
    await new Promise((r) => setTimeout(r, 2000));
    redis = await startPrivateRedis(port);
    const other = await startTestHub({ redisUrl, env: { NODE_ID: 'hub-other', FANOUT_PROBE_INTERVAL_MS: PROBE_MS } });
    hubs.push(other);
    const officer = await login(late.url, await demoLogin(late.hub, 'officer'));
    s = await connectSocket(late.url, { cookie: officer.cookie });
    const room = `user:${officer.body.me.id}`;
    const viaOther = async () => {
      const got = nextEvent<{ text: string }>(s!, 'system:announced', 1000);
      other.hub.realtime.io.to(room).emit('system:announced', { room, text: 'from the other node', at: Date.now() });
      return (await got).text;
    };
    await expect
      .poll(() => viaOther().catch(() => 'lost'), { timeout: 10_000, interval: 200 })
      .toBe('from the other node');
    expect((await readJson(await fetch(`${late.url}/healthz`))).fanout).toMatchObject({
      kind: 'redis',
      reachable: true,
    });
  });
});
