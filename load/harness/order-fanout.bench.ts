import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import { REDIS_URL, serviceAvailable } from '@fengqiao/hub/test-support';
import type { RedisAdapterMode } from '../../hub/src/config.ts';
import { prepareStore } from './bench-store.ts';
import { killAll } from './children.ts';
import { startClientPool, type ClientPool } from './client-pool.ts';
import {
  EVENT,
  measureRound,
  warmUp,
  type FanoutSettings,
  type Round,
  type Side,
  type SizeContext,
} from './fanout-measure.ts';
import { renderMarkdown, type FanoutResult, type RoundSet, type SizeRun } from './fanout-report.ts';
import { openFileLimit } from './fd-limit.ts';
import { cpuProfileDir, writeProfilePhases } from './profile-phases.ts';
import { codeVersion, commandLine, describeMachine } from './machine.ts';
import { startHubNode, startRelayNode, type ServerNode } from './server-nodes.ts';
import { log, publish, runBench } from './bench-run.ts';

/**
 * Command-order fan-out benchmark (the issue: one order to 1,000 / 5,000 / 10,000 recipients, on
 * one node and on several, each beside plain Socket.IO broadcasting the same payload to the same N
 * clients in the same run). Sizes from argv (`1000,5000`) or BENCH_N; node counts from
 * `--nodes=1,2,3` (or `both` = 1,2) or BENCH_NODES; on several nodes, one hub cluster per Redis
 * adapter from `--adapters=classic,sharded` or BENCH_ADAPTERS (default REDIS_ADAPTER or classic),
 * measured in the same rounds; rounds from BENCH_ROUNDS; BENCH_TIMEOUT_MIN bounds the whole run (everything is
 * killed and cleaned up when it passes); BENCH_CPU_PROF=1 writes CPU profiles of the hub nodes.
 * Markdown to stdout (progress to stderr), JSON and Markdown to load/out/.
 */

const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** Warm-up squad size: enough to run every code path, small enough to cost nothing. */
const WARMUP = 100;
/** Descriptors a process needs besides its sockets (as in fd-limit.ts). */
const RESERVED_FDS = 256;

const positive = (raw: string | undefined, fallback: number) => {
  const v = Number(raw);
  return Number.isInteger(v) && v > 0 ? v : fallback;
};

function requestedSizes(): number[] {
  const raw = process.argv.slice(2).find((a) => /^[\d,_ ]+$/.test(a)) ?? process.env.BENCH_N ?? '1000,5000,10000';
  const sizes = raw
    .split(',')
    .map((s) => Number(s.replace(/[_ ]/g, '')))
    .filter((v) => Number.isInteger(v) && v > 0);
  return sizes.length ? [...new Set(sizes)] : [1000, 5000, 10000];
}

/** The most hub nodes per cluster: node names run from a to e, and this machine has 2 cores. */
const MAX_NODES = 5;

/** `--name=value` from argv, else the environment variable, else the fallback. */
const option = (name: string, env: string, fallback: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? process.env[env] ?? fallback;

function requestedNodes(): number[] {
  const raw = option('nodes', 'BENCH_NODES', 'both');
  const counts = (raw === 'both' ? '1,2' : raw).split(',').map(Number);
  if (!counts.every((c) => Number.isInteger(c) && c >= 1 && c <= MAX_NODES))
    throw new Error(`--nodes must be a list of 1..${MAX_NODES} (e.g. 1,2,3) or both, not ${raw}`);
  return [...new Set(counts)];
}

function requestedAdapters(): RedisAdapterMode[] {
  const raw = option('adapters', 'BENCH_ADAPTERS', process.env.REDIS_ADAPTER || 'classic');
  const modes = raw.split(',');
  if (!modes.every((m): m is RedisAdapterMode => m === 'classic' || m === 'sharded'))
    throw new Error(`--adapters must list classic and/or sharded, not ${raw}`);
  return [...new Set(modes)];
}

const nodeNames = (side: string, nodes: number) =>
  Array.from({ length: nodes }, (_, i) => `${side}-${String.fromCharCode(97 + i)}`);

/** Rotates the sides by the round, so each goes first in turn and a machine getting busier favours none. */
const rotated = <T>(sides: readonly T[], round: number): T[] => sides.map((_, i) => sides[(i + round) % sides.length]!);

/** A client socket of the bench itself (dispatcher, sender), the way the workers open theirs. */
function openSocket(url: string, auth: Record<string, string>): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => (socket.close(), reject(err)));
  });
}

/** Runs every round of one (nodes, N) on fresh server processes; stops them whatever happens. */
async function runSize(
  nodes: number,
  adapters: readonly RedisAdapterMode[],
  n: number,
  pool: ClientPool,
  store: Awaited<ReturnType<typeof prepareStore>>,
  rounds: number,
  settings: FanoutSettings,
  cpuProfDir: string | undefined,
): Promise<SizeRun> {
  // One node: the in-memory adapter; several: one hub cluster per adapter, each on its own Redis prefix.
  const hubModes = nodes === 1 ? [undefined] : adapters;
  const hubName = (mode: RedisAdapterMode | undefined) => (mode ? `hub ${mode}` : 'hub');
  const run: SizeRun = { nodes, store: store.dialect, n, hubs: hubModes.map(hubName), rounds: [], frameBytes: 0 };
  const servers: ServerNode[] = [];
  const sockets: Socket[] = [];
  const prefix = `fq-bench-${randomBytes(4).toString('hex')}`;
  const hubs: Side[] = [];
  try {
    log(`${nodes} node(s), N=${n}: starting hub and baseline processes`);
    for (const mode of hubModes) {
      const redis: Record<string, string> = mode
        ? { REDIS_URL, REDIS_CHANNEL_PREFIX: `${prefix}-${mode}`, REDIS_ADAPTER: mode }
        : { REDIS_URL: '' };
      const side: ServerNode[] = [];
      // Node A first, then the others, as an operator would (start-up provisioning runs once, on A).
      for (const name of nodeNames(mode ? `hub-${mode}` : 'hub', nodes)) {
        const node = await startHubNode(name, { ...store.env, ...redis }, cpuProfDir);
        servers.push(node);
        side.push(node);
      }
      const dispatcher = await openSocket(side[0]!.url, { token: store.dispatcherToken });
      sockets.push(dispatcher);
      hubs.push({ name: hubName(mode), kind: 'hub', nodes: side, sender: dispatcher });
    }
    const relays: ServerNode[] = [];
    for (const name of nodeNames('plain', nodes)) {
      const node = await startRelayNode(name, nodes > 1 ? { url: REDIS_URL, prefix: `${prefix}-plain` } : undefined);
      servers.push(node);
      relays.push(node);
    }
    const sender = await openSocket(relays[0]!.url, { sender: '1' });
    sockets.push(sender);
    const baseline: Side = { name: 'plain', kind: 'baseline', nodes: relays, sender };
    const ctx: SizeContext = { n, pool, store, settings, baseline, hubs };

    log(`${nodes} node(s), N=${n}: warm-up (${WARMUP} clients each side)`);
    const payload = await warmUp(ctx, prefix);
    run.frameBytes = Buffer.byteLength(`42${JSON.stringify([EVENT, payload])}`);
    for (let r = 0; r < rounds; r += 1) {
      const set: RoundSet = { baseline: undefined as unknown as Round, hubs: {} };
      for (const side of rotated([baseline, ...hubs], r)) {
        log(`${nodes} node(s), N=${n} round ${r + 1}/${rounds}: ${side.name}`);
        const round = await measureRound(ctx, side, payload, `${prefix}-${r}`);
        if (side.kind === 'baseline') set.baseline = round;
        else set.hubs[side.name] = round;
        const d = round.delivery;
        log(
          `  delivery p50 ${d.latency.p50.toFixed(0)} p99 ${d.latency.p99.toFixed(0)} max ${d.latency.max.toFixed(0)} ms, missing ${d.missing}` +
            (round.acks
              ? `; ${round.acks.answered} acks in ${round.acks.allAnsweredMs.toFixed(0)} ms, ${round.acks.acknowledgedInStore} in store`
              : '') +
            (round.error ? `; error: ${round.error}` : ''),
        );
      }
      run.rounds.push(set);
    }
    if (cpuProfDir)
      for (const hub of hubs)
        await writeProfilePhases(
          hub.nodes,
          run.rounds.map((r) => r.hubs[hub.name]!),
          `${nodes} node(s), ${hub.name}, N=${n}`,
        );
  } catch (err) {
    run.error = err instanceof Error ? err.message : String(err);
    log(`${nodes} node(s), N=${n} failed: ${run.error}`);
  } finally {
    for (const s of sockets) s.close();
    await pool.closeClients().catch(() => {});
    await Promise.all(servers.map((s) => s.stop()));
  }
  return run;
}

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  const notes: string[] = [];
  const limit = openFileLimit();
  const workers = positive(process.env.BENCH_CLIENT_WORKERS, 2);
  const rounds = positive(process.env.BENCH_ROUNDS, 3);
  const timeoutMin = positive(process.env.BENCH_TIMEOUT_MIN, 40);
  const cpuProfDir = cpuProfileDir('cpu', startedAt);
  const settings: FanoutSettings = {
    concurrency: positive(process.env.BENCH_CONCURRENCY, 100),
    connectTimeoutMs: 20_000,
    deliveryTimeoutMs: 60_000,
    settleMs: 1000,
  };

  // Every process holds at most its share: a server node N / nodes sockets, a worker N / workers.
  const sizes = requestedSizes().filter((n) => {
    const worst = Math.max(Math.ceil(n / workers), n) + RESERVED_FDS;
    if (limit === undefined || worst <= limit) return true;
    const why = `N=${n} left out: one node holds up to ${n} sockets and needs about ${worst} open files, but \`ulimit -n\` is ${limit}. Raise it before the run.`;
    notes.push(why);
    log(why);
    return false;
  });
  let modes = requestedNodes();
  const adapters = requestedAdapters();
  if (modes.some((m) => m > 1) && !((await serviceAvailable('postgres')) && (await serviceAvailable('redis')))) {
    notes.push('multi-node runs left out: PostgreSQL or Redis not reachable (DATABASE_URL / REDIS_URL)');
    modes = modes.filter((m) => m === 1);
  }

  const machine = describeMachine();
  const result: FanoutResult = {
    startedAt,
    command: commandLine('order-fanout.bench'),
    code: codeVersion(REPO),
    machine,
    settings: {
      ...settings,
      rounds,
      workers,
      warmup: WARMUP,
      openFileLimit: limit,
      cpuProfiles: cpuProfDir?.replace(REPO, ''),
    },
    clock: { maxOffsetMs: Number.NaN, uncertaintyMs: Number.NaN },
    notes,
    runs: [],
  };

  // The bound on the whole run: past it every child is killed, which fails whatever waits on them,
  // and the finally blocks below still remove the stores.
  let timedOut = false;
  const abort = (why: string) => {
    if (timedOut) return;
    timedOut = true;
    notes.push(why);
    log(`${why}; killed ${killAll()} processes`);
    // If clean-up itself hangs, leave anyway.
    setTimeout(() => process.exit(1), 60_000).unref();
  };
  const deadline = setTimeout(
    () => abort(`the run passed BENCH_TIMEOUT_MIN=${timeoutMin} and was stopped; the results below are partial`),
    timeoutMin * 60_000,
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => abort(`stopped by ${signal}; the results below are partial`));
  process.once('exit', () => killAll());

  const pool = await startClientPool(workers);
  result.clock = pool.clock;
  try {
    for (const nodes of modes) {
      if (timedOut) break;
      log(
        `${nodes} node(s): preparing the store (${[0, ...sizes].reduce((a, n) => a + (n || WARMUP), 0)} officers with sessions)`,
      );
      const store = await prepareStore(nodes === 1 ? 'sqlite' : 'postgres', sizes, WARMUP);
      try {
        for (const n of sizes) {
          if (timedOut) break;
          result.runs.push(await runSize(nodes, adapters, n, pool, store, rounds, settings, cpuProfDir));
        }
      } finally {
        await store.dispose();
      }
    }
  } finally {
    clearTimeout(deadline);
    await pool.stop().catch(() => {});
  }

  machine.loadAvgEnd = loadavg();
  const markdown = renderMarkdown(result);
  await publish(result, markdown, 'order-fanout');
  if (timedOut) process.exitCode = 1;
}

runBench(main);
