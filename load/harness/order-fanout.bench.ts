import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import { REDIS_URL, serviceAvailable } from '@fengqiao/hub/test-support';
import { prepareStore } from './bench-store.ts';
import { killAll } from './children.ts';
import { startClientPool, type ClientPool } from './client-pool.ts';
import {
  EVENT,
  measureRound,
  warmUp,
  type FanoutSettings,
  type HubSocket,
  type SizeContext,
} from './fanout-measure.ts';
import { renderMarkdown, type FanoutResult, type SizeRun } from './fanout-report.ts';
import { openFileLimit } from './fd-limit.ts';
import { writeProfilePhases } from './profile-phases.ts';
import { codeVersion, commandLine, describeMachine } from './machine.ts';
import { startHubNode, startRelayNode, type ServerNode } from './server-nodes.ts';
import { log, publish, runBench } from './bench-run.ts';

/**
 * Command-order fan-out benchmark (the issue: one order to 1,000 / 5,000 / 10,000 recipients, on
 * one node and on two, each beside plain Socket.IO broadcasting the same payload to the same N
 * clients in the same run). Sizes from argv (`1000,5000`) or BENCH_N; `--nodes=1|2|both` or
 * BENCH_NODES; rounds from BENCH_ROUNDS; BENCH_TIMEOUT_MIN bounds the whole run (everything is
 * killed and cleaned up when it passes); BENCH_CPU_PROF=1 writes CPU profiles of the hub nodes.
 * Markdown to stdout (progress to stderr), JSON and Markdown to load/out/.
 */

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const OUT = fileURLToPath(new URL('../out/', import.meta.url));
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

function requestedNodes(): (1 | 2)[] {
  const raw =
    process.argv.find((a) => a.startsWith('--nodes='))?.slice('--nodes='.length) ?? process.env.BENCH_NODES ?? 'both';
  if (raw === '1') return [1];
  if (raw === '2') return [2];
  if (raw === 'both') return [1, 2];
  throw new Error(`--nodes must be 1, 2 or both, not ${raw}`);
}

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
  nodes: 1 | 2,
  n: number,
  pool: ClientPool,
  store: Awaited<ReturnType<typeof prepareStore>>,
  rounds: number,
  settings: FanoutSettings,
  cpuProfDir: string | undefined,
): Promise<SizeRun> {
  const run: SizeRun = { nodes, store: store.dialect, n, rounds: [], frameBytes: 0 };
  const servers: ServerNode[] = [];
  const sockets: Socket[] = [];
  const prefix = `fq-bench-${randomBytes(4).toString('hex')}`;
  const redis: Record<string, string> = nodes === 2 ? { REDIS_URL, REDIS_CHANNEL_PREFIX: prefix } : { REDIS_URL: '' };
  try {
    log(`${nodes} node(s), N=${n}: starting hub and baseline processes`);
    const hubs: ServerNode[] = [];
    // Node A first, then B, as an operator would (start-up provisioning runs once, on A).
    for (const name of nodes === 2 ? ['hub-a', 'hub-b'] : ['hub-a']) {
      const node = await startHubNode(name, { ...store.env, ...redis }, cpuProfDir);
      servers.push(node);
      hubs.push(node);
    }
    const relays: ServerNode[] = [];
    for (const name of nodes === 2 ? ['plain-a', 'plain-b'] : ['plain-a']) {
      const node = await startRelayNode(name, nodes === 2 ? { url: REDIS_URL, prefix: `${prefix}-plain` } : undefined);
      servers.push(node);
      relays.push(node);
    }
    const dispatcher = await openSocket(hubs[0]!.url, { token: store.dispatcherToken });
    const sender = await openSocket(relays[0]!.url, { sender: '1' });
    sockets.push(dispatcher, sender);
    const ctx: SizeContext = {
      n,
      pool,
      store,
      settings,
      hub: { nodes: hubs, sender: dispatcher as HubSocket },
      baseline: { nodes: relays, sender },
    };

    log(`${nodes} node(s), N=${n}: warm-up (${WARMUP} clients each side)`);
    const payload = await warmUp(ctx, prefix);
    run.frameBytes = Buffer.byteLength(`42${JSON.stringify([EVENT, payload])}`);
    for (let r = 0; r < rounds; r += 1) {
      // Alternate who goes first, so a machine that gets busier during the run favours neither.
      const order = r % 2 === 0 ? (['baseline', 'hub'] as const) : (['hub', 'baseline'] as const);
      const pair: Partial<SizeRun['rounds'][number]> = {};
      for (const target of order) {
        log(`${nodes} node(s), N=${n} round ${r + 1}/${rounds}: ${target}`);
        pair[target] = await measureRound(ctx, target, payload, `${prefix}-${r}`);
        const d = pair[target].delivery;
        log(
          `  delivery p50 ${d.latency.p50.toFixed(0)} p99 ${d.latency.p99.toFixed(0)} max ${d.latency.max.toFixed(0)} ms, missing ${d.missing}` +
            (pair[target].acks
              ? `; ${pair[target].acks.answered} acks in ${pair[target].acks.allAnsweredMs.toFixed(0)} ms, ${pair[target].acks.acknowledgedInStore} in store`
              : '') +
            (pair[target].error ? `; error: ${pair[target].error}` : ''),
        );
      }
      run.rounds.push({ baseline: pair.baseline!, hub: pair.hub! });
    }
    if (cpuProfDir)
      await writeProfilePhases(
        hubs,
        run.rounds.map((r) => r.hub),
        `${nodes} node(s), N=${n}`,
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
  const cpuProfDir = process.env.BENCH_CPU_PROF === '1' ? `${OUT}cpu-${startedAt.replace(/[:.]/g, '-')}` : undefined;
  if (cpuProfDir) mkdirSync(cpuProfDir, { recursive: true });
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
  if (modes.includes(2) && !((await serviceAvailable('postgres')) && (await serviceAvailable('redis')))) {
    notes.push('two-node runs left out: PostgreSQL or Redis not reachable (DATABASE_URL / REDIS_URL)');
    modes = modes.filter((m) => m !== 2);
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
          result.runs.push(await runSize(nodes, n, pool, store, rounds, settings, cpuProfDir));
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
