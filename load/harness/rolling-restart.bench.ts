import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { REDIS_URL } from '@fengqiao/hub/test-support';
import { spawnHub, type HubProcess } from '../../tests/support/hub-process.ts';
import { startNginx } from '../../tests/support/nginx.ts';
import { prepareGroupStore } from './group-store.ts';
import { codeVersion, commandLine, describeMachine } from './machine.ts';
import { startFleet } from './rolling-restart-fleet.ts';
import { summarize } from './stats.ts';

/**
 * Rolling restart (issue #16 item 7): BENCH_GROUPS × BENCH_MEMBERS clients (80 × 25 = 2,000 by
 * default, every 10th long-polling) behind nginx (deploy/nginx/fengqiao.conf) on three hub
 * processes sharing PostgreSQL and Redis, a message per group every BENCH_ROUND_MS. After
 * BENCH_STEADY_S of steady flow one hub gets SIGTERM. Measured: time until every client is
 * connected again, and until every client holds every message sent; delivery p50 / p99 during the
 * restart against the steady flow before it (the baseline, same run); lost and doubled messages.
 * Markdown to stdout.
 */

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const num = (raw: string | undefined, fallback: number) => (Number(raw) > 0 ? Number(raw) : fallback);
const GROUPS = num(process.env.BENCH_GROUPS, 80);
const MEMBERS = num(process.env.BENCH_MEMBERS, 25);
const ROUND_MS = num(process.env.BENCH_ROUND_MS, 500);
const STEADY_S = num(process.env.BENCH_STEADY_S, 15);
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const machine = describeMachine();
const store = await prepareGroupStore('postgres', GROUPS, MEMBERS);
const hubs: HubProcess[] = [];
let stopProxy = async () => {};
try {
  const env = {
    ...store.env,
    REDIS_URL,
    REDIS_CHANNEL_PREFIX: `fq-bench-${randomBytes(4).toString('hex')}`,
    TRUST_PROXY: 'loopback',
    SEED_DEMO: 'never',
    LOG_LEVEL: 'warn',
    MESSAGE_RATE_STAFF_PER_MINUTE: '100000',
  };
  // One at a time: three starting together on a busy 2-core machine can miss the start-up timeout.
  for (const id of ['hub-3001', 'hub-3002', 'hub-3003']) hubs.push(await spawnHub({ ...env, NODE_ID: id }));
  const proxy = await startNginx(hubs.map((h) => Number(new URL(h.url).port)));
  stopProxy = proxy.stop;
  const total = GROUPS * MEMBERS;
  log(`connecting ${total} clients (+${GROUPS} posters) through nginx`);
  const connectStart = Date.now();
  const fleet = await startFleet({ url: proxy.url, groups: store.groups, pollingEvery: 10 });
  const connectMs = Date.now() - connectStart;
  const before = await fleet.nodes();
  log(`connected in ${connectMs} ms: ${JSON.stringify([...before])}`);

  let round = 0;
  let flowing = true;
  const flow = (async () => {
    while (flowing) {
      const t = Date.now();
      round += 1;
      await fleet.sendRound(round);
      await sleep(Math.max(0, ROUND_MS - (Date.now() - t)));
    }
  })();
  await sleep(STEADY_S * 1000);

  const t0 = Date.now();
  const roundAtStop = round;
  log(`SIGTERM hub-3001 (${before.get('hub-3001')} clients) at round ${roundAtStop}`);
  hubs[0]!.child.kill('SIGTERM');
  await until(() => fleet.connected() < total, 30_000, 'the stopped node to close its sockets');
  const tClosed = Date.now();
  await until(() => fleet.connected() === total, 120_000, 'every client to reconnect');
  const backMs = Date.now() - t0;
  const lastAtStop = new Map(store.groups.map((g) => [g.groupId, roundAtStop]));
  await until(
    () => fleet.verify(lastAtStop).missing === 0,
    120_000,
    'every client to hold what was sent before the stop',
  );
  const syncedMs = Date.now() - t0;
  const exit = await hubs[0]!.exited;
  const after = await fleet.nodes();
  log(`all back in ${backMs} ms, synced in ${syncedMs} ms: ${JSON.stringify([...after])}`);
  const tBack = t0 + backMs;
  await sleep(5000);
  flowing = false;
  await flow;

  const counts = await store.counts();
  const last = new Map(store.groups.map((g) => [g.groupId, round]));
  await until(() => fleet.verify(last).missing === 0, 60_000, 'the last messages');
  const result = fleet.verify(last);
  // Each group must hold exactly one message per round: more is a doubled send, fewer a lost one.
  let storedDoubles = 0;
  let storedLost = 0;
  for (const c of counts.values()) {
    storedDoubles += Math.max(0, c.messages - round);
    storedLost += Math.max(0, round - c.messages);
  }
  const steady = summarize(fleet.latencies.filter((l) => l.at < t0).map((l) => l.ms));
  const restart = summarize(fleet.latencies.filter((l) => l.at >= t0 && l.at <= tBack + 2000).map((l) => l.ms));
  fleet.close();
  machine.loadAvgEnd = loadavg();

  const f = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '–');
  const lines = [
    `### Rolling restart behind nginx: ${total} clients, 3 hubs, one stopped with SIGTERM`,
    '',
    `Command: \`${commandLine('rolling-restart.bench.ts')}\`  `,
    `Code: ${codeVersion(REPO)}; ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}; load average ` +
      `${machine.loadAvgStart.map((l) => l.toFixed(2)).join(' / ')} at start, ` +
      `${machine.loadAvgEnd.map((l) => l.toFixed(2)).join(' / ')} at end.  `,
    `${GROUPS} groups × ${MEMBERS} members (every 10th long-polling), a message per group every ${ROUND_MS} ms, ` +
      `${round} rounds; connecting all took ${connectMs} ms; before the stop: ${JSON.stringify(Object.fromEntries(before))}.`,
    '',
    '| | value |',
    '| --- | --- |',
    `| clients on the stopped node | ${before.get('hub-3001') ?? 0} (exit code ${exit}) |`,
    `| SIGTERM → its sockets closing | ${tClosed - t0} ms |`,
    `| SIGTERM → every client connected again | ${backMs} ms |`,
    `| SIGTERM → every client holds every message sent before the stop | ${syncedMs} ms |`,
    `| after: clients per node | ${JSON.stringify(Object.fromEntries(after))} |`,
    `| delivery p50 / p99 / max, steady (baseline) | ${f(steady.p50)} / ${f(steady.p99)} / ${f(steady.max)} ms (${steady.count}) |`,
    `| delivery p50 / p99 / max, SIGTERM → all back + 2 s | ${f(restart.p50)} / ${f(restart.p99)} / ${f(restart.max)} ms (${restart.count}) |`,
    `| p99 restart / steady | ${(restart.p99 / steady.p99).toFixed(1)} × |`,
    `| messages lost (client view; stored) | ${result.missing}; ${storedLost} |`,
    `| messages doubled (live deliveries; stored) | ${result.doubled}; ${storedDoubles} |`,
    `| reconnects | ${fleet.reconnects()} |`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await stopProxy();
  for (const h of hubs) if (h.child.exitCode === null) h.child.kill('SIGTERM');
  await Promise.all(hubs.map((h) => h.exited));
  await store.dispose();
}
