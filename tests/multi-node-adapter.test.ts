import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const ready = (await serviceAvailable('postgres')) && (await serviceAvailable('redis'));

/**
 * Both Redis adapters (REDIS_ADAPTER=classic | sharded) carry fan-out between two nodes: a room
 * event, a person's own room and a cross-node query, and each node's probe comes back through it.
 * The sharded one needs Redis 7 (SPUBLISH / SSUBSCRIBE): this test fails on an older server.
 */
describe.each(['classic', 'sharded'] as const)('two hub nodes with the %s Redis adapter', (mode) => {
  let a: TestHub;
  let b: TestHub;
  let drop: () => Promise<void>;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    if (!ready) return;
    const pg = await createTempPostgres();
    drop = pg.drop;
    const env = {
      REDIS_ADAPTER: mode,
      REDIS_CHANNEL_PREFIX: `fq-adapter-${randomBytes(4).toString('hex')}`,
      FANOUT_PROBE_INTERVAL_MS: '200',
    };
    a = await startTestHub({ databaseUrl: pg.url, redisUrl: REDIS_URL, env: { ...env, NODE_ID: 'hub-a' } });
    b = await startTestHub({ databaseUrl: pg.url, redisUrl: REDIS_URL, env: { ...env, NODE_ID: 'hub-b' } });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await Promise.all([a?.close(), b?.close()]);
    await drop?.();
  });

  it.skipIf(!ready)('an event to a room on node A reaches a client on node B, and to its own room', async () => {
    const officer = await login(a.url, await demoLogin(a.hub, 'officer'));
    const s = await connectSocket(b.url, { cookie: officer.cookie });
    sockets.push(s);
    for (const room of [`unit:${officer.body.me.unit.id}:officer`, `user:${officer.body.me.id}`]) {
      // The adapter subscribes asynchronously (sharded: a channel per room): wait until A sees it.
      await expect
        .poll(async () => (await a.hub.realtime.io.in(room).fetchSockets()).length, { timeout: 5000 })
        .toBeGreaterThan(0);
      const got = nextEvent<{ room: string; text: string }>(s, 'system:announced');
      a.hub.realtime.io.to(room).emit('system:announced', { room, text: `经 ${mode} 适配器`, at: Date.now() });
      expect(await got).toMatchObject({ room, text: `经 ${mode} 适配器` });
    }
  });

  it.skipIf(!ready)("each node's probe comes back through the adapter: fan-out reported reachable", async () => {
    for (const node of [a, b]) {
      await expect
        .poll(async () => (await readJson(await fetch(`${node.url}/healthz`))).fanout.lastProbeOkAt, { timeout: 5000 })
        .not.toBeNull();
      expect(await readJson(await fetch(`${node.url}/readyz`))).toMatchObject({
        fanout: { kind: 'redis', reachable: true },
      });
    }
  });
});
