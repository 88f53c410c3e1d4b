import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { forkChild, stopChild, type Child } from './children.ts';
import { now } from './clock.ts';
import type { LoopDelay } from './loop-delay.ts';
import type { MemorySnapshot } from './memory.ts';

/** A server process under test (hub node or baseline node), seen from the bench. */
export interface ServerNode {
  name: string;
  url: string;
  pid: number;
  /** Its memory after a full GC, sampled inside it. */
  memory(): Promise<MemorySnapshot>;
  /** Writes its heap snapshot (after a full GC) into `dir`, named by node and `label`; answers the file's path. */
  heapSnapshot(dir: string, label: string): Promise<string>;
  /** CPU time it has used so far, in ms: user (its JavaScript, parsing, crypto) and system (socket writes, I/O). */
  cpu(): Promise<CpuTime>;
  /** Its event-loop delay since the last call (loop-delay.ts). */
  loopDelay(): Promise<LoopDelay>;
  /** Starts sampling what it allocates (allocation-sampling.ts). */
  allocStart(): Promise<void>;
  /** Stops sampling and writes the profile to `file` (a .heapprofile); answers its path. */
  allocStop(file: string): Promise<string>;
  /** Hub nodes: store queries run so far and the time spent in them, from the hub's own /metrics. */
  storeWork?(): Promise<StoreWork>;
  /**
   * Nodes started with a profile folder run with --cpu-prof: the folder their profiles are written to
   * when they stop, one per thread (tsx's loader runs on a thread of its own); the main thread's is
   * `CPU.*.<pid>.0.*`.
   */
  cpuProfileDir?: string;
  /** Profiled nodes: how to turn our wall-clock ms into its monotonic µs (the clock of its profile samples). */
  monoOffsetUs?(): Promise<number>;
  stop(): Promise<void>;
}

/** A hub's store statements so far, and the time spent in them (ms): SQLite runs on the main thread, so that is CPU. */
export interface StoreWork {
  queries: number;
  ms: number;
}

/** A process's CPU time in ms, and its two parts. */
export interface CpuTime {
  userMs: number;
  systemMs: number;
  totalMs: number;
}

const HUB_DIR = fileURLToPath(new URL('../../hub/', import.meta.url));
const HUB_ENTRY = fileURLToPath(new URL('./hub-entry.ts', import.meta.url));
const RELAY_ENTRY = fileURLToPath(new URL('./relay-entry.ts', import.meta.url));
const START_TIMEOUT_MS = 90_000;
/** The hub serves /metrics only to its metrics token; the bench sets one for its own nodes. */
const BENCH_METRICS_TOKEN = 'load-bench-metrics-token';

function nodeOf(child: Child, url: string): ServerNode {
  child.echo();
  return {
    name: child.name,
    url,
    pid: child.proc.pid!,
    memory: () => child.peer.call<MemorySnapshot>('memory', undefined, 30_000),
    heapSnapshot: (dir, label) =>
      child.peer.call<string>('heapSnapshot', { dir, name: `${child.name}-${label}` }, 300_000),
    cpu: async () => {
      const c = await child.peer.call<NodeJS.CpuUsage>('cpu');
      return { userMs: c.user / 1000, systemMs: c.system / 1000, totalMs: (c.user + c.system) / 1000 };
    },
    loopDelay: () => child.peer.call<LoopDelay>('loopDelay'),
    allocStart: () => child.peer.call<void>('allocStart'),
    allocStop: (file) => child.peer.call<string>('allocStop', { file }, 60_000),
    stop: () => stopChild(child),
  };
}

/** `hub_store_query_seconds` count and sum, every outcome: how many queries the hub has run, and how long they took. */
async function storeWork(url: string): Promise<StoreWork> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${BENCH_METRICS_TOKEN}` } });
  const text = await res.text();
  const total = (series: string) => {
    let n = 0;
    for (const m of text.matchAll(new RegExp(`^hub_store_query_seconds_${series}\\{[^}]*\\} (\\S+)`, 'gm')))
      n += Number(m[1]);
    return n;
  };
  return { queries: total('count'), ms: total('sum') * 1000 };
}

/** The node's monotonic µs minus our wall-clock µs, from the quickest of a few calls. */
async function monoOffsetUs(child: Child): Promise<number> {
  let best = { rtt: Number.POSITIVE_INFINITY, offset: 0 };
  for (let i = 0; i < 5; i += 1) {
    const t1 = now();
    const c = await child.peer.call<{ wall: number; monoUs: number }>('clock');
    const t2 = now();
    if (t2 - t1 < best.rtt) best = { rtt: t2 - t1, offset: c.monoUs - ((t1 + t2) / 2) * 1000 };
  }
  return best.offset;
}

/** --cpu-prof into a folder of the node's own under `cpuProfDir` (the profile is written when it stops). */
const profiling = (name: string, cpuProfDir: string | undefined) => {
  const dir = cpuProfDir && join(cpuProfDir, `${name}-${Date.now()}`);
  return { dir, execArgv: dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [] };
};

/** A started node, with what reads its profile when it runs with one. */
const withProfile = (node: ServerNode, child: Child, dir: string | undefined): ServerNode =>
  dir ? { ...node, cpuProfileDir: dir, monoOffsetUs: () => monoOffsetUs(child) } : node;

/**
 * Starts one hub node the way `node --import tsx src/main.ts` in hub/ does, with `env` on top of
 * ours (PORT=0: the banner says which port it got). `cpuProfDir` adds --cpu-prof; the profile is
 * written when the node stops.
 */
export async function startHubNode(
  name: string,
  env: Record<string, string>,
  cpuProfDir?: string,
): Promise<ServerNode> {
  const profile = profiling(name, cpuProfDir);
  const execArgv = ['--import', 'tsx', '--expose-gc', ...profile.execArgv];
  const child = forkChild(HUB_ENTRY, name, {
    execArgv,
    cwd: HUB_DIR,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'demo',
      NODE_ID: name,
      METRICS_TOKEN: BENCH_METRICS_TOKEN,
      ...env,
    },
  });
  try {
    const [, banner] = await Promise.all([
      withTimeout(child.peer.ready, name),
      child.printed(/open:\s+http:\/\/[^\s:]+:(\d+)/, START_TIMEOUT_MS),
    ]);
    const node: ServerNode = {
      ...nodeOf(child, `http://127.0.0.1:${banner[1]}`),
      storeWork: () => storeWork(`http://127.0.0.1:${banner[1]}`),
    };
    return withProfile(node, child, profile.dir);
  } catch (err) {
    await stopChild(child, 2000);
    throw err;
  }
}

/**
 * Starts one baseline node; with `redis`, it fans out to the other baseline nodes on the same prefix.
 * `cpuProfDir` profiles it as `startHubNode` does a hub, so both sides' profiles can be compared.
 */
export async function startRelayNode(
  name: string,
  redis?: { url: string; prefix: string },
  cpuProfDir?: string,
): Promise<ServerNode> {
  const profile = profiling(name, cpuProfDir);
  const child = forkChild(RELAY_ENTRY, name, {
    execArgv: [...process.execArgv, '--expose-gc', ...profile.execArgv],
    env: { ...process.env, RELAY_REDIS_URL: redis?.url ?? '', RELAY_CHANNEL_PREFIX: redis?.prefix ?? '' },
  });
  try {
    const { url } = (await withTimeout(child.peer.ready, name)) as { url: string };
    return withProfile(nodeOf(child, url), child, profile.dir);
  } catch (err) {
    await stopChild(child, 2000);
    throw err;
  }
}

function withTimeout<T>(p: Promise<T>, name: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} did not start within ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    );
    p.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e: unknown) => (clearTimeout(timer), reject(e as Error)),
    );
  });
}

/** CPU ms (user + system, and each), store queries and ms in them so far, summed over nodes (store: hub nodes only, else NaN). */
export async function clusterWork(
  nodes: readonly ServerNode[],
): Promise<{ cpuMs: number; userMs: number; systemMs: number; queries: number; storeMs: number }> {
  const none: StoreWork = { queries: Number.NaN, ms: Number.NaN };
  const [cpu, store] = await Promise.all([
    Promise.all(nodes.map((n) => n.cpu())),
    Promise.all(nodes.map((n) => (n.storeWork ? n.storeWork() : Promise.resolve(none)))),
  ]);
  const sum = (pick: (c: CpuTime) => number) => cpu.reduce((a, c) => a + pick(c), 0);
  return {
    cpuMs: sum((c) => c.totalMs),
    userMs: sum((c) => c.userMs),
    systemMs: sum((c) => c.systemMs),
    queries: store.reduce((a, b) => a + b.queries, 0),
    storeMs: store.reduce((a, b) => a + b.ms, 0),
  };
}

/** Sum of the nodes' memory: a cluster's cost per connection counts every node. */
export async function clusterMemory(nodes: readonly ServerNode[]): Promise<MemorySnapshot> {
  const snaps = await Promise.all(nodes.map((n) => n.memory()));
  return snaps.reduce(
    (a, s) => ({ rss: a.rss + s.rss, heapUsed: a.heapUsed + s.heapUsed, external: a.external + s.external }),
    { rss: 0, heapUsed: 0, external: 0 },
  );
}
