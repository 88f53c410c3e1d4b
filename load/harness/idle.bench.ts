import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { prepareStore, type BenchStore } from './bench-store.ts';
import { killAll } from './children.ts';
import { startClientPool, type ClientPool } from './client-pool.ts';
import { openOne } from './clients.ts';
import { now } from './clock.ts';
import { EVENT, sendOrder, targetsOf, warmUp, type HubSocket, type SizeContext } from './fanout-measure.ts';
import { openFileLimit } from './fd-limit.ts';
import { renderIdleMarkdown, type IdleResult, type IdleRound } from './idle-report.ts';
import { codeVersion, commandLine, describeMachine } from './machine.ts';
import { perConnection } from './memory.ts';
import { clusterMemory, clusterWork, startHubNode, startRelayNode, type ServerNode } from './server-nodes.ts';
import { summarize } from './stats.ts';
import { log, publish, runBench } from './bench-run.ts';

/**
 * Idle connections benchmark (issue #18: heap per idle authenticated connection, 20,000 on one
 * node): N clients, each an officer with a session of their own, connect to one hub node (SQLite,
 * in-memory adapter) and stay idle; the server's heap per connection is taken after connecting and
 * again after the idle period, then one flash order goes to all N (the hub's broadcast) and every
 * receipt is timed. The same N against plain Socket.IO relaying the same payload, in the same run,
 * rounds alternating who goes first. N from argv or BENCH_N (default 20,000, capped by the
 * open-file limit: the server process holds one descriptor per connection); BENCH_IDLE_S (60),
 * BENCH_ROUNDS (2), BENCH_HEAP_SNAPSHOT=1 writes both servers' heap snapshots before connecting and
 * after the first idle period (`heap:summary <idle> <before> --per=N`: what each connection holds). Markdown to stdout, JSON and Markdown to load/out/.
 */

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const OUT = fileURLToPath(new URL('../out/', import.meta.url));
const WARMUP = 100;
const WORKERS = 2;
/** Descriptors the server process needs besides its sockets (as in fd-limit.ts). */
const RESERVED_FDS = 256;
const SETTINGS = { concurrency: 100, connectTimeoutMs: 30_000, deliveryTimeoutMs: 60_000, settleMs: 2000 };

const positive = (raw: string | undefined, fallback: number) => {
  const v = Number(raw);
  return Number.isInteger(v) && v > 0 ? v : fallback;
};

/** One side, one round: connect N, idle, one broadcast, close. */
async function idleRound(
  ctx: SizeContext,
  target: 'baseline' | 'hub',
  payload: unknown,
  idleMs: number,
  tag: string,
  snapshotDir: string | undefined,
): Promise<IdleRound> {
  const { pool, n } = ctx;
  const side = target === 'hub' ? ctx.hubs[0]! : ctx.baseline;
  const squad = ctx.store.squads.get(n)!;
  const auths = target === 'hub' ? squad.tokens.map((token) => ({ token })) : squad.tokens.map(() => ({}));
  const before = await clusterMemory(side.nodes);
  if (snapshotDir) await side.nodes[0]!.heapSnapshot(snapshotDir, 'before');
  const connect = await pool.connect(
    targetsOf(side.nodes, pool.size, auths),
    SETTINGS.concurrency,
    SETTINGS.connectTimeoutMs,
  );
  const connected = await clusterMemory(side.nodes);
  const round: IdleRound = {
    target,
    connect,
    memory: perConnection(before, connected, connect.connected),
    memoryIdle: perConnection(before, connected, connect.connected),
    heapWithNMiB: connected.heapUsed / 2 ** 20,
    idleCpuMsPerS: Number.NaN,
    delivery: { latency: summarize([]), missing: connect.connected },
  };
  try {
    const cpu0 = await clusterWork(side.nodes);
    await sleep(idleMs);
    const cpu1 = await clusterWork(side.nodes);
    round.idleCpuMsPerS = ((cpu1.cpuMs - cpu0.cpuMs) * 1000) / idleMs;
    round.memoryIdle = perConnection(before, await clusterMemory(side.nodes), connect.connected);
    if (snapshotDir) round.heapSnapshot = await side.nodes[0]!.heapSnapshot(snapshotDir, 'idle');
    await pool.arm(EVENT);
    const sentAt = now();
    if (target === 'hub')
      await sendOrder(side.sender as HubSocket, squad, `idle-round-${tag}`, SETTINGS.deliveryTimeoutMs);
    else await side.sender.timeout(SETTINGS.deliveryTimeoutMs).emitWithAck('relay', EVENT, payload);
    const got = await pool.collect(SETTINGS.deliveryTimeoutMs);
    round.delivery = { latency: summarize(got.times.map((t) => t - sentAt)), missing: got.missing };
  } catch (err) {
    round.error = err instanceof Error ? err.message : String(err);
  } finally {
    await pool.closeClients();
    await sleep(SETTINGS.settleMs);
  }
  return round;
}

async function run(
  result: IdleResult,
  store: BenchStore,
  pool: ClientPool,
  n: number,
  rounds: number,
  idleMs: number,
  snapshotDir: string | undefined,
): Promise<void> {
  const servers: ServerNode[] = [];
  const senders: { close(): void }[] = [];
  try {
    const hub = await startHubNode('hub', { ...store.env, REDIS_URL: '' });
    servers.push(hub);
    const plain = await startRelayNode('plain');
    servers.push(plain);
    const dispatcher = (await openOne({ url: hub.url, auth: { token: store.dispatcherToken } }, 20_000)).socket;
    const sender = (await openOne({ url: plain.url, auth: { sender: '1' } }, 20_000)).socket;
    senders.push(dispatcher, sender);
    const ctx: SizeContext = {
      n,
      pool,
      store,
      settings: SETTINGS,
      hubs: [{ name: 'hub', kind: 'hub', nodes: [hub], sender: dispatcher }],
      baseline: { name: 'plain', kind: 'baseline', nodes: [plain], sender },
    };
    log(`warm-up (${WARMUP} clients each side)`);
    const payload = await warmUp(ctx, 'idle');
    result.frameBytes = Buffer.byteLength(`42${JSON.stringify([EVENT, payload])}`);
    for (let r = 0; r < rounds; r += 1) {
      const order = r % 2 === 0 ? (['baseline', 'hub'] as const) : (['hub', 'baseline'] as const);
      const pair: Partial<IdleResult['rounds'][number]> = {};
      for (const target of order) {
        log(`round ${r + 1}/${rounds}: ${target}, ${n} connect, idle ${idleMs / 1000} s, one broadcast`);
        const x = await idleRound(ctx, target, payload, idleMs, `${r}`, r === 0 ? snapshotDir : undefined);
        pair[target] = x;
        log(
          `  ${x.connect.connected} connected in ${x.connect.totalMs.toFixed(0)} ms; heap ${x.memory.heapKiB.toFixed(2)} KiB/conn, ` +
            `after idle ${x.memoryIdle.heapKiB.toFixed(2)}; idle CPU ${x.idleCpuMsPerS.toFixed(1)} ms/s; broadcast p99 ` +
            `${x.delivery.latency.p99.toFixed(0)} ms, missing ${x.delivery.missing}${x.error ? `; error: ${x.error}` : ''}`,
        );
      }
      result.rounds.push({ baseline: pair.baseline!, hub: pair.hub! });
    }
  } finally {
    for (const s of senders) s.close();
    await pool.closeClients().catch(() => {});
    await Promise.all(servers.map((s) => s.stop()));
  }
}

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  const limit = openFileLimit();
  const asked = positive(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? process.env.BENCH_N, 20_000);
  const cap = limit === undefined ? asked : Math.floor(limit - RESERVED_FDS);
  const n = Math.min(asked, cap);
  const rounds = positive(process.env.BENCH_ROUNDS, 2);
  const idleMs = positive(process.env.BENCH_IDLE_S, 60) * 1000;
  const snapshotDir =
    process.env.BENCH_HEAP_SNAPSHOT === '1' ? `${OUT}heap-${startedAt.replace(/[:.]/g, '-')}` : undefined;
  if (snapshotDir) mkdirSync(snapshotDir, { recursive: true });
  const notes: string[] = [];
  if (n < asked)
    notes.push(
      `N = ${n.toLocaleString('en')}, not ${asked.toLocaleString('en')}: \`ulimit -n\` is ${limit} (the hard limit here too), and the server process holds a descriptor per connection plus ~${RESERVED_FDS} of its own.`,
    );
  const machine = describeMachine();
  const result: IdleResult = {
    startedAt,
    command: commandLine('idle.bench'),
    code: codeVersion(REPO),
    machine,
    settings: { n, rounds, idleS: idleMs / 1000, workers: WORKERS, ...SETTINGS, openFileLimit: limit },
    notes,
    frameBytes: 0,
    rounds: [],
  };
  const timeoutMin = positive(process.env.BENCH_TIMEOUT_MIN, 40);
  const deadline = setTimeout(() => {
    log(`passed BENCH_TIMEOUT_MIN=${timeoutMin}; killed ${killAll()} processes`);
    setTimeout(() => process.exit(1), 30_000).unref();
  }, timeoutMin * 60_000);
  process.once('exit', () => killAll());

  log(`preparing the store: a squad of ${n} officers with a session each`);
  const store = await prepareStore('sqlite', [n], WARMUP);
  const pool = await startClientPool(WORKERS);
  try {
    await run(result, store, pool, n, rounds, idleMs, snapshotDir);
  } catch (err) {
    result.error = err instanceof Error ? (err.stack ?? err.message) : String(err);
    log(`failed: ${result.error}`);
  } finally {
    clearTimeout(deadline);
    await pool.stop();
    await store.dispose();
  }
  machine.loadAvgEnd = loadavg();
  const markdown = renderIdleMarkdown(result);
  await publish(result, markdown, 'idle');
  if (result.error) process.exitCode = 1;
}

runBench(main);
