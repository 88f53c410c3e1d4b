import { fileURLToPath } from 'node:url';
import { forkChild, stopChild, type Child } from './children.ts';
import type { CheckStats, ConnectStats, MemberSpec, TrafficStats } from './group-worker.ts';
import { summarize, type Summary } from './stats.ts';

const WORKER = fileURLToPath(new URL('./group-worker.ts', import.meta.url));

/** A connect or reconnect round over every worker. */
export interface PoolConnectRound {
  clients: number;
  /** From the first worker starting to the last client done (connected, or caught up on the hub). */
  allDoneMs: number;
  /** Per client, from the round's start to its own done. */
  doneMs: Summary;
  attempts: number;
  failures: number;
  failureSamples: string[];
}

/** One traffic level over every worker. */
export interface PoolTraffic {
  sent: number;
  acked: number;
  sendFailures: number;
  failureSamples: string[];
  latency: Summary;
  missing: number;
  /** Messages per second the senders managed, all groups together. */
  sentPerSecond: number;
  lastSeq: Record<string, number>;
}

/** The client workers of one side (hub or plain); a group and all its members live in one worker. */
export interface GroupPool {
  setup(
    members: MemberSpec[][],
    posters: MemberSpec[],
    sample: unknown,
    concurrency: number,
    timeoutMs: number,
  ): Promise<PoolConnectRound>;
  traffic(rate: number, durationMs: number, drainMs: number, tag: string): Promise<PoolTraffic>;
  sample(): Promise<unknown>;
  drop(): Promise<void>;
  post(count: number, tag: string): Promise<Record<string, number>>;
  reconnect(timeoutMs: number): Promise<PoolConnectRound>;
  check(lastSeq: Record<string, number>): Promise<CheckStats>;
  stop(): Promise<void>;
}

function round(res: ConnectStats[]): PoolConnectRound {
  const start = Math.min(...res.map((r) => r.startedAt));
  const done = res.flatMap((r) => r.doneAt);
  return {
    clients: done.length,
    allDoneMs: done.length ? Math.max(...done) - start : Number.NaN,
    doneMs: summarize(done.map((t) => t - start)),
    attempts: res.reduce((a, r) => a + r.attempts, 0),
    failures: res.reduce((a, r) => a + r.failures, 0),
    failureSamples: [...new Set(res.flatMap((r) => r.failureSamples))].slice(0, 5),
  };
}

/** Starts `size` group workers for one side (`hub` or `plain`). Group g goes to worker g mod size. */
export async function startGroupPool(name: string, mode: 'hub' | 'plain', size: number): Promise<GroupPool> {
  const workers: Child[] = Array.from({ length: size }, (_, w) =>
    forkChild(WORKER, `${name}-${w + 1}`, { execArgv: process.execArgv }),
  );
  await Promise.all(workers.map((w) => w.peer.ready));
  for (const w of workers) w.echo();
  const all = <T>(cmd: string, args: (w: number) => unknown, timeoutMs: number) =>
    Promise.all(workers.map((w, i) => w.peer.call<T>(cmd, args(i), timeoutMs)));
  const share = <T>(items: readonly T[], w: number) => items.filter((_, i) => i % size === w);

  return {
    async setup(members, posters, sample, concurrency, timeoutMs) {
      const per = Math.max(1, Math.round(concurrency / size));
      const n = members.reduce((a, g) => a + g.length, 0);
      return round(
        await all<ConnectStats>(
          'setup',
          (w) => ({
            mode,
            members: share(members, w).flat(),
            posters: share(posters, w),
            sample,
            concurrency: per,
            timeoutMs,
          }),
          timeoutMs + n * 40,
        ),
      );
    },
    async traffic(rate, durationMs, drainMs, tag) {
      const res = await all<TrafficStats>(
        'traffic',
        () => ({ rate, durationMs, drainMs, tag }),
        durationMs + drainMs + 120_000,
      );
      const sent = res.reduce((a, r) => a + r.sent, 0);
      return {
        sent,
        acked: res.reduce((a, r) => a + r.acked, 0),
        sendFailures: res.reduce((a, r) => a + r.sendFailures, 0),
        failureSamples: [...new Set(res.flatMap((r) => r.failureSamples))].slice(0, 5),
        latency: summarize(res.flatMap((r) => r.latencies)),
        missing: res.reduce((a, r) => a + r.missing, 0),
        sentPerSecond: (sent * 1000) / Math.max(1, ...res.map((r) => r.sendingMs)),
        lastSeq: Object.assign({}, ...res.map((r) => r.lastSeq)) as Record<string, number>,
      };
    },
    async sample() {
      return (await all<unknown>('sample', () => undefined, 10_000)).find((s) => s !== undefined);
    },
    async drop() {
      await all('drop', () => undefined, 60_000);
    },
    async post(count, tag) {
      return Object.assign(
        {},
        ...(await all<Record<string, number>>('post', () => ({ count, tag }), 300_000)),
      ) as Record<string, number>;
    },
    async reconnect(timeoutMs) {
      return round(await all<ConnectStats>('reconnect', () => ({ timeoutMs }), timeoutMs + 60_000));
    },
    async check(lastSeq) {
      const res = await all<CheckStats>('check', () => ({ lastSeq }), 60_000);
      return res.reduce((a, r) => ({
        members: a.members + r.members,
        lost: a.lost + r.lost,
        doubled: a.doubled + r.doubled,
        syncOverlap: a.syncOverlap + r.syncOverlap,
      }));
    },
    async stop() {
      await all('close', () => undefined, 60_000).catch(() => {});
      for (const w of workers) if (w.proc.connected) w.proc.disconnect();
      await Promise.all(workers.map((w) => stopChild(w, 10_000)));
    },
  };
}
