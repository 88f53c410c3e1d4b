/**
 * Flash order to N officers who all have a Web Push subscription: how long until every push
 * request has left the hub (received by a stand-in push service on 127.0.0.1, which only counts),
 * and what the push work does to live socket delivery of the same order to K connected officers —
 * measured against a round on the same hub, same officers, with no subscriptions (the baseline in
 * the same run). One node on SQLite, in process, like handshake.bench.ts.
 *
 *   pnpm --filter @fengqiao/load bench:push            # N = 10000, K = 500, 2 rounds each way
 *   BENCH_N=2000 BENCH_K=200 BENCH_ROUNDS=1 pnpm --filter @fengqiao/load bench:push
 */
import { cpus, loadavg } from 'node:os';
import {
  addStaff,
  connectSocket,
  firstStation,
  login,
  newDevice,
  signInMany,
  startPushEndpoint,
  startTestHub,
  type TestSocket,
} from '@fengqiao/hub/test-support';
import { percentile } from './stats.ts';

const N = Number(process.env.BENCH_N ?? 10_000);
const K = Math.min(N, Number(process.env.BENCH_K ?? 500));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const log = (s: string) => process.stderr.write(`${s}\n`);

const ep = await startPushEndpoint();
const t = await startTestHub({
  env: { PUSH_INSECURE_HOSTS: '127.0.0.1', ORDER_SWEEP_INTERVAL_MS: '3600000', LADDER_INTERVAL_MS: '3600000' },
});
const db = t.hub.store.db;
const { stationId, dispatcherLogin } = await firstStation(t.hub);
const squad = await db
  .insertInto('units')
  .values({
    id: `bench-squad-${Date.now()}`,
    parent_id: stationId,
    kind: 'squad',
    name: '压测中队',
    code: `bench${Date.now()}`,
    path: `${(await db.selectFrom('units').select('path').where('id', '=', stationId).executeTakeFirstOrThrow()).path}bench-squad-${Date.now()}/`,
    sort: 99,
    created_at: Date.now(),
  })
  .returning(['id'])
  .executeTakeFirstOrThrow();
log(`adding ${N} officers…`);
const logins = await addStaff(t.hub, squad.id, N, 'officer', 'pb');
const users = await db.selectFrom('users').select(['id', 'login']).where('unit_id', '=', squad.id).execute();
const ids = logins.map((l) => users.find((u) => u.login === l)!.id);
log('signing them in…');
const cookies = await signInMany(t.hub, ids);
const subscriptionRows = ids.map((id, i) => {
  const d = newDevice(`${ep.base}/d/${i}`);
  return {
    id: `bench-sub-${i}`,
    user_id: id,
    session_id: cookies.get(id)!.split('=')[1]!.split('.')[0]!,
    endpoint: d.endpoint,
    p256dh: d.keys.p256dh,
    auth: d.keys.auth,
    visible_until: null,
    created_at: Date.now(),
  };
});
log(`connecting ${K} sockets…`);
const sockets: TestSocket[] = [];
for (const id of ids.slice(0, K)) sockets.push(await connectSocket(t.url, { token: cookies.get(id)!.split('=')[1]! }));
const dispatcher = (await login(t.url, dispatcherLogin)).cookie;

async function round(withPush: boolean) {
  // The previous round's ladder and outbox passes finish first: each round starts on a quiet hub.
  await t.hub.runLadder();
  await t.hub.runPushOutbox();
  await db.deleteFrom('push_subscriptions').where('id', 'like', 'bench-sub-%').execute();
  if (withPush)
    for (let i = 0; i < subscriptionRows.length; i += 500)
      await db
        .insertInto('push_subscriptions')
        .values(subscriptionRows.slice(i, i + 500))
        .execute();
  const before = ep.received.length;
  const latencies: number[] = [];
  const got = Promise.all(
    sockets.map(
      (s) =>
        new Promise<void>((resolve) =>
          s.once('order:assigned', () => {
            latencies.push(performance.now() - start);
            resolve();
          }),
        ),
    ),
  );
  const start = performance.now();
  const res = await fetch(`${t.url}/api/orders`, {
    method: 'POST',
    headers: { cookie: dispatcher, origin: t.url, 'content-type': 'application/json' },
    body: JSON.stringify({
      clientId: `bench-${Date.now()}-${withPush}`,
      title: '压测特急指令',
      body: '压测',
      priority: 'flash',
      targets: [{ kind: 'unit', unitId: squad.id }],
    }),
  });
  if (res.status !== 201) throw new Error(`order refused: ${res.status} ${await res.text()}`);
  const created = performance.now() - start;
  await got;
  let pushedMs: number | null = null;
  if (withPush) {
    await ep.until(before + N);
    pushedMs = performance.now() - start;
  }
  latencies.sort((a, b) => a - b);
  return { created, p50: percentile(latencies, 50), p99: percentile(latencies, 99), pushedMs };
}

const results: { withPush: boolean; created: number; p50: number; p99: number; pushedMs: number | null }[] = [];
for (let r = 0; r < ROUNDS; r++)
  for (const withPush of r % 2 ? [true, false] : [false, true]) {
    const out = await round(withPush);
    log(`round ${r + 1} ${withPush ? 'push' : 'no push'}: ${JSON.stringify(out)}`);
    results.push({ withPush, ...out });
  }

const med = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const on = results.filter((r) => r.withPush);
const off = results.filter((r) => !r.withPush);
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
console.log(`### Push fan-out: flash order to ${N} subscribed officers, ${K} of them connected

- ${new Date().toISOString()}, ${cpus().length} cores, load ${loadavg()
  .map((l) => l.toFixed(2))
  .join(' ')}; ${ROUNDS} rounds each way
- every push left the hub (received by the local push service): median ${fmt(med(on.map((r) => r.pushedMs!)))} after the order was sent (${on.map((r) => fmt(r.pushedMs!)).join(', ')}), ${(N / (med(on.map((r) => r.pushedMs!)) / 1000)).toFixed(0)} pushes/s
- order creation (POST answered): ${fmt(med(on.map((r) => r.created)))} with push, ${fmt(med(off.map((r) => r.created)))} without
- live socket delivery to the ${K} connected: p50 ${fmt(med(on.map((r) => r.p50)))} / p99 ${fmt(med(on.map((r) => r.p99)))} with push, p50 ${fmt(med(off.map((r) => r.p50)))} / p99 ${fmt(med(off.map((r) => r.p99)))} without; p99 ratio ${(med(on.map((r) => r.p99)) / med(off.map((r) => r.p99))).toFixed(2)}×
`);
for (const s of sockets) s.close();
await t.close();
await ep.close();
process.exit(0);
