import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSocket, demoLogin, freePort, login, nextEvent, readJson, startTestHub, type TestHub, type TestSocket } from '@fengqiao/hub/testing';

const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;
if (!hasRedisServer) {
  if (process.env.REQUIRE_SERVICES === '1') throw new Error('redis-server binary is required (REQUIRE_SERVICES=1)');
  console.warn('skipping Redis restart test: no redis-server binary on PATH');
}


/** A private, throwaway Redis we may kill and restart without disturbing the machine's own. */
function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'pipe' });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('Ready to accept connections') && resolve(child));
    child.once('exit', (code) => reject(new Error(`redis-server exited ${code}`)));
  });
}

describe.skipIf(!hasRedisServer)('fan-out across a Redis restart', () => {
  let port: number;
  let redis: ChildProcess;
  let a: TestHub;
  let b: TestHub;
  let s: TestSocket;
  let room: string;

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port);
    // Two nodes on SQLite stores of their own: only fan-out is shared here, and that is what is tested.
    a = await startTestHub({ redisUrl: `redis://127.0.0.1:${port}`, env: { NODE_ID: 'hub-a' } });
    b = await startTestHub({ redisUrl: `redis://127.0.0.1:${port}`, env: { NODE_ID: 'hub-b' } });
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

  it('delivers across nodes, loses fan-out while Redis is down (readyz says so), and resumes after it returns', async () => {
    await expect.poll(() => crossNodeDelivery('before').catch(() => 'lost'), { timeout: 5000 }).toBe('before');

    redis.kill('SIGKILL');
    await new Promise((r) => redis.once('exit', r));
    await expect.poll(async () => (await fetch(`${a.url}/readyz`)).status, { timeout: 5000 }).toBe(503);
    expect((await readJson(await fetch(`${b.url}/readyz`))).fanout.reachable).toBe(false);
    expect(s.connected).toBe(true);
    expect(await s.emitWithAck('system:ping', {})).toMatchObject({ ok: true });

    redis = await startRedis(port);
    await expect.poll(async () => (await fetch(`${a.url}/readyz`)).status, { timeout: 10_000 }).toBe(200);
    // Node B's subscriber re-subscribed by itself: A's emits reach B's client again.
    await expect.poll(() => crossNodeDelivery('after').catch(() => 'lost'), { timeout: 10_000, interval: 500 }).toBe('after');
  });
});
