import { fileURLToPath } from 'node:url';
import { forkChild, stopChild, type Child } from './children.ts';
import type { ConnectTarget } from './clients.ts';
import type { WorkerActs, WorkerConnect, WorkerReceipts } from './client-worker.ts';
import { now } from './clock.ts';
import { summarize, type Summary } from './stats.ts';

const WORKER = fileURLToPath(new URL('./client-worker.ts', import.meta.url));

/** Connecting all N, over every worker. */
export interface PoolConnect {
  connected: number;
  latency: Summary;
  /** From the first worker starting to the last one done. */
  totalMs: number;
  failures: number;
  failureSamples: string[];
}

/** One event's receipts over every worker; `times` are absolute (`now()`). */
export interface PoolReceipts {
  times: number[];
  byOrder: Record<string, number>;
  missing: number;
  sample: unknown;
}

/** The acknowledgements of every worker. */
export interface PoolActs {
  /** From the first acknowledgement fired (any worker) to the last answer back, in ms. */
  allAnsweredMs: number;
  /** The same two moments, absolute (`now()`). */
  firstFiredAt: number;
  lastAnsweredAt: number;
  /** How long firing them all took (the clients' own emit loop), in ms. */
  firingMs: number;
  latency: Summary;
  answered: number;
  failures: number;
  failureSamples: string[];
}

/**
 * The client workers, driven together: client i goes to worker i mod W, so every worker holds an
 * equal share of every node's clients. Clock offsets between the bench and each worker are
 * estimated once over IPC (a receipt time is compared with a send time taken in the bench).
 */
export interface ClientPool {
  size: number;
  /** Largest |offset| between a worker's clock and ours, with its uncertainty (half the IPC round trip). */
  clock: { maxOffsetMs: number; uncertaintyMs: number };
  connect(targets: readonly ConnectTarget[], concurrency: number, timeoutMs: number): Promise<PoolConnect>;
  arm(event: string, keepSample?: boolean): Promise<void>;
  collect(timeoutMs: number): Promise<PoolReceipts>;
  acknowledge(orderId: string, tag: string, timeoutMs: number): Promise<PoolActs>;
  closeClients(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * How long connecting all clients may take, per client, before the pool gives up: hub handshakes
 * ran at 12–20 a second on this machine at load average 25 (10,000 took over 620 s).
 */
const CONNECT_ALLOWANCE_MS = 150;

export async function startClientPool(size: number): Promise<ClientPool> {
  const workers: Child[] = Array.from({ length: size }, (_, w) =>
    forkChild(WORKER, `clients-${w + 1}`, { execArgv: process.execArgv }),
  );
  await Promise.all(workers.map((w) => w.peer.ready));
  for (const w of workers) w.echo();
  const clock = await measureClock(workers);
  const all = <T>(cmd: string, args: (w: number) => unknown, timeoutMs: number) =>
    Promise.all(workers.map((w, i) => w.peer.call<T>(cmd, args(i), timeoutMs)));

  return {
    size,
    clock,
    async connect(targets, concurrency, timeoutMs) {
      const share = (w: number) => targets.filter((_, i) => i % size === w);
      // Each worker keeps `concurrency / size` handshakes in flight: the total is what was asked.
      const per = Math.max(1, Math.round(concurrency / size));
      const res = await all<WorkerConnect>(
        'connect',
        (w) => ({ targets: share(w), concurrency: per, timeoutMs }),
        timeoutMs + targets.length * CONNECT_ALLOWANCE_MS,
      );
      const latencies = res.flatMap((r) => r.latenciesMs);
      return {
        connected: latencies.length,
        latency: summarize(latencies),
        totalMs: Math.max(...res.map((r) => r.endedAt)) - Math.min(...res.map((r) => r.startedAt)),
        failures: res.reduce((a, r) => a + r.failures, 0),
        failureSamples: [...new Set(res.flatMap((r) => r.failureSamples))].slice(0, 5),
      };
    },
    async arm(event, keepSample = false) {
      await all('arm', () => ({ event, keepSample }), 30_000);
    },
    async collect(timeoutMs) {
      const res = await all<WorkerReceipts>('collect', () => ({ timeoutMs }), timeoutMs + 30_000);
      const byOrder: Record<string, number> = {};
      for (const r of res) for (const [id, n] of Object.entries(r.byOrder)) byOrder[id] = (byOrder[id] ?? 0) + n;
      return {
        times: res.flatMap((r) => r.times),
        byOrder,
        missing: res.reduce((a, r) => a + r.missing, 0),
        sample: res.find((r) => r.sample !== undefined)?.sample,
      };
    },
    async acknowledge(orderId, tag, timeoutMs) {
      const res = await all<WorkerActs>(
        'acknowledge',
        (w) => ({ orderId, tag: `${tag}-${w}`, timeoutMs }),
        timeoutMs + 30_000,
      );
      const returned = res.flatMap((r) => r.returnedAt);
      const first = Math.min(...res.map((r) => r.firstFiredAt));
      const last = returned.length ? returned.reduce((a, t) => Math.max(a, t)) : Number.NaN;
      return {
        allAnsweredMs: last - first,
        firstFiredAt: first,
        lastAnsweredAt: last,
        firingMs: Math.max(...res.map((r) => r.lastFiredAt)) - first,
        latency: summarize(res.flatMap((r) => r.latenciesMs)),
        answered: returned.length,
        failures: res.reduce((a, r) => a + r.failures, 0),
        failureSamples: [...new Set(res.flatMap((r) => r.failureSamples))].slice(0, 5),
      };
    },
    async closeClients() {
      await all('close', () => undefined, 120_000);
    },
    async stop() {
      // Closing the IPC channel ends a worker (see ipc.ts); SIGTERM after that is a fallback.
      for (const w of workers) if (w.proc.connected) w.proc.disconnect();
      await Promise.all(workers.map((w) => stopChild(w, 10_000)));
    },
  };
}

/** NTP-style: per worker, the offset seen in the quickest of a few IPC round trips. */
async function measureClock(workers: Child[]): Promise<ClientPool['clock']> {
  let maxOffsetMs = 0;
  let uncertaintyMs = 0;
  for (const w of workers) {
    let best = { rtt: Number.POSITIVE_INFINITY, offset: 0 };
    for (let i = 0; i < 9; i += 1) {
      const t1 = now();
      const theirs = await w.peer.call<number>('now');
      const t2 = now();
      if (t2 - t1 < best.rtt) best = { rtt: t2 - t1, offset: theirs - (t1 + t2) / 2 };
    }
    if (Math.abs(best.offset) > Math.abs(maxOffsetMs)) maxOffsetMs = best.offset;
    uncertaintyMs = Math.max(uncertaintyMs, best.rtt / 2);
  }
  return { maxOffsetMs, uncertaintyMs };
}
