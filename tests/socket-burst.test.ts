import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectSocket,
  demoLogin,
  login,
  startTestHub,
  type TestHub,
  type TestSocket,
} from '@fengqiao/hub/test-support';

type Tally = Record<string, Record<string, number>>;

/** What the flooding socket sends, all at once (payloads beside the group id). */
const PLAN = [
  { event: 'group:history', count: 10_000, payload: { limit: 200 } },
  { event: 'group:typing', count: 2_000, payload: {} },
  { event: 'system:ping', count: 2_000, payload: {} },
];

/** Floods from a worker thread (see socket-flood.worker.mjs); resolves when every answer is in. */
function flood(url: string, cookie: string, groupId: string) {
  const worker = new Worker(new URL('./socket-flood.worker.mjs', import.meta.url), {
    workerData: { url, cookie, groupId, plan: PLAN },
  });
  let connected!: () => void;
  const ready = new Promise<void>((r) => (connected = r));
  const done = new Promise<{ ms: number; tally: Tally; afterOk: boolean }>((resolve, reject) => {
    worker.on('message', (m: { type: string; ms: number; tally: Tally; afterOk: boolean }) => {
      if (m.type === 'connected') connected();
      else resolve(m);
    });
    worker.once('error', reject);
  });
  return { ready, done, stop: () => worker.terminate() };
}

/** Median, 95th percentile and maximum of a list of milliseconds, for the printed figures. */
function summary(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!.toFixed(1);
  return `n=${s.length} p50=${at(0.5)} p95=${at(0.95)} max=${s[s.length - 1]!.toFixed(1)} ms`;
}

/** Sequential probes, `n` of them or until `done` settles: each probe's latency. */
async function probe(run: () => Promise<void>, until: { n: number } | { done: Promise<unknown> }): Promise<number[]> {
  let finished = false;
  if ('done' in until)
    void until.done.then(
      () => (finished = true),
      () => (finished = true),
    );
  const times: number[] = [];
  do {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  } while ('n' in until ? times.length < until.n : !finished);
  return times;
}

/**
 * One socket fires thousands of commands at once (the expensive read, typing signals, pings) while
 * another person's socket pings and /healthz is fetched. Asserts correctness only (the excess is
 * refused with rate_limited, every probe is answered); the timings are printed for the record.
 */
describe('a burst from one socket', () => {
  let t: TestHub;
  let flooderCookie: string;
  let bystander: TestSocket;
  let groupId: string;

  beforeAll(async () => {
    // Sending rates out of the way, to fill the group's history quickly.
    t = await startTestHub({ env: { MESSAGE_RATE_STAFF_PER_MINUTE: '600000' } });
    flooderCookie = (await login(t.url, await demoLogin(t.hub, 'officer'))).cookie;
    const flooder = await connectSocket(t.url, { cookie: flooderCookie });
    const dispatcher = await login(t.url, await demoLogin(t.hub, 'dispatcher'));
    bystander = await connectSocket(t.url, { cookie: dispatcher.cookie });
    const list = (await flooder.emitWithAck('group:list', {})) as { ok: true; groups: { id: string }[] };
    groupId = list.groups[0]!.id;
    for (let i = 0; i < 200; i += 1) {
      const clientId = `burst-${String(i).padStart(4, '0')}`;
      const res = await flooder.emitWithAck('message:send', { groupId, clientId, text: `第${i}条：辖区巡逻情况正常` });
      expect(res).toMatchObject({ ok: true });
    }
    flooder.close();
  });
  afterAll(async () => {
    bystander?.close();
    await t?.close();
  });

  const ping = async () => {
    const res = await bystander.emitWithAck('system:ping', { echo: 'still here' });
    expect(res).toMatchObject({ ok: true, echo: 'still here' });
  };
  const healthz = async () => {
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  };

  it('refuses the excess with rate_limited and keeps answering everyone else', async () => {
    const idlePings = await probe(ping, { n: 50 });
    const idleHealth = await probe(healthz, { n: 20 });

    const { ready, done, stop } = flood(t.url, flooderCookie, groupId);
    const [result, pings, health] = await ready
      .then(() => Promise.all([done, probe(ping, { done }), probe(healthz, { done })]))
      .finally(stop);
    const line = (event: string) => `${event} ${JSON.stringify(result.tally[event])}`;
    console.log(
      [
        `burst: ${PLAN.map((p) => `${p.count} ${p.event}`).join(' + ')} from one socket,` +
          ` answered in ${result.ms.toFixed(0)} ms`,
        `  ${PLAN.map((p) => line(p.event)).join('  ')}`,
        `  other socket's pings  idle ${summary(idlePings)} | during burst ${summary(pings)}`,
        `  /healthz              idle ${summary(idleHealth)} | during burst ${summary(health)}`,
      ].join('\n'),
    );

    for (const event of ['group:history', 'group:typing']) {
      expect(Object.keys(result.tally[event]!).sort()).toEqual(['ok', 'rate_limited']);
    }
    // Every bystander ping and every /healthz was answered (failures would have thrown in the probes).
    expect(pings.length).toBeGreaterThan(0);
    expect(health.length).toBeGreaterThan(0);
    // The flooding socket itself is still served once its answers are in.
    expect(result.afterOk).toBe(true);
  });
});
