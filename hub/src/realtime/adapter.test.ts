import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectSocket,
  demoLogin,
  freePort,
  login,
  nextEvent,
  readJson,
  startTestHub,
  type TestHub,
  type TestSocket,
} from '../../test-support/index.ts';

const METRICS_TOKEN = 'metrics-token-for-tests';

describe('hub with its Redis unreachable', () => {
  let t: TestHub;
  let s: TestSocket;
  beforeAll(async () => {
    t = await startTestHub({ redisUrl: `redis://127.0.0.1:${await freePort()}`, env: { METRICS_TOKEN } });
  });
  afterAll(async () => {
    s?.close();
    await t?.close();
  });

  it('starts anyway and stays ready (it serves its own clients); /healthz and /metrics say fan-out is down', async () => {
    const res = await fetch(`${t.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await readJson(res)).toMatchObject({
      ok: true,
      store: { answers: true, writable: true },
      fanout: { kind: 'redis', reachable: false },
    });
    const health = await fetch(`${t.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await readJson(health)).toMatchObject({
      ok: true,
      fanout: { kind: 'redis', reachable: false, lastProbeOkAt: null },
    });
    expect(
      await (await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text(),
    ).toMatch(/hub_fanout_reachable 0/);
  });

  it('keeps serving its own clients: log-in, socket, commands and local room events', async () => {
    const officer = await login(t.url, await demoLogin(t.hub, 'officer'));
    s = await connectSocket(t.url, { cookie: officer.cookie });
    expect(await s.emitWithAck('system:ping', { echo: 'still here' })).toMatchObject({ ok: true, echo: 'still here' });
    const room = `user:${officer.body.me.id}`;
    const got = nextEvent<{ text: string }>(s, 'system:announced');
    t.hub.realtime.io.to(room).emit('system:announced', { room, text: 'local', at: Date.now() });
    expect(await got).toMatchObject({ text: 'local' });
  });
});
