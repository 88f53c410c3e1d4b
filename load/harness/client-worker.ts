import type { Socket } from 'socket.io-client';
import { closeAll, connectEach, type ConnectTarget } from './clients.ts';
import { now } from './clock.ts';
import { announce, serve } from './ipc.ts';

/**
 * A client worker: one share of the N recipients in a process of its own, so 10,000 sockets
 * neither share a process (and its open-file limit) with their server nor with each other's CPU.
 * The bench drives it over IPC; every time it reports is `now()`, comparable across processes.
 */

/** What connecting this worker's share produced. */
export interface WorkerConnect {
  startedAt: number;
  endedAt: number;
  latenciesMs: number[];
  failures: number;
  failureSamples: string[];
}

/** Receipts of one armed event: when each socket had it, and which order it carried. */
export interface WorkerReceipts {
  times: number[];
  /** Receipts per `payload.order.id`: anything but the one expected order is a stray. */
  byOrder: Record<string, number>;
  missing: number;
  /** The first payload received, when asked for (to size the baseline's payload from the hub's). */
  sample: unknown;
}

/** Acknowledgements fired by this worker: when the first and last left, when each answer came back. */
export interface WorkerActs {
  firstFiredAt: number;
  lastFiredAt: number;
  /** Per successful answer: absolute time it arrived, and the time from its own emit. */
  returnedAt: number[];
  latenciesMs: number[];
  failures: number;
  failureSamples: string[];
}

let sockets: Socket[] = [];
let armed: { event: string; receipts: WorkerReceipts; all: Promise<void> } | undefined;

serve({
  now: async () => now(),

  async connect(args: { targets: ConnectTarget[]; concurrency: number; timeoutMs: number }): Promise<WorkerConnect> {
    const startedAt = now();
    const res = await connectEach(args.targets, { concurrency: args.concurrency, timeoutMs: args.timeoutMs });
    sockets.push(...res.sockets);
    return {
      startedAt,
      endedAt: now(),
      latenciesMs: res.latenciesMs,
      failures: res.failures,
      failureSamples: res.failureSamples,
    };
  },

  async arm(args: { event: string; keepSample: boolean }): Promise<number> {
    const receipts: WorkerReceipts = { times: [], byOrder: {}, missing: 0, sample: undefined };
    let allIn: () => void = () => {};
    const all = new Promise<void>((resolve) => (allIn = resolve));
    for (const s of sockets) {
      s.once(args.event, (payload: { order?: { id?: string } } | undefined) => {
        receipts.times.push(now());
        const id = String(payload?.order?.id ?? '(none)');
        receipts.byOrder[id] = (receipts.byOrder[id] ?? 0) + 1;
        if (args.keepSample && receipts.sample === undefined) receipts.sample = payload;
        if (receipts.times.length === sockets.length) allIn();
      });
    }
    if (sockets.length === 0) allIn();
    armed = { event: args.event, receipts, all };
    return sockets.length;
  },

  async collect(args: { timeoutMs: number }): Promise<WorkerReceipts> {
    if (!armed) throw new Error('collect before arm');
    const { event, receipts, all } = armed;
    armed = undefined;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise<void>((r) => (timer = setTimeout(r, args.timeoutMs)))]);
    clearTimeout(timer);
    for (const s of sockets) s.off(event);
    receipts.missing = sockets.length - receipts.times.length;
    return receipts;
  },

  /** Every socket acknowledges the order at once, each with its own client id; answers are awaited. */
  async acknowledge(args: { orderId: string; tag: string; timeoutMs: number }): Promise<WorkerActs> {
    const acts: WorkerActs = {
      firstFiredAt: now(),
      lastFiredAt: 0,
      returnedAt: [],
      latenciesMs: [],
      failures: 0,
      failureSamples: [],
    };
    await new Promise<void>((resolve) => {
      let pending = sockets.length;
      if (pending === 0) return resolve();
      sockets.forEach((s, i) => {
        const sentAt = now();
        s.timeout(args.timeoutMs).emit(
          'order:act',
          { action: 'acknowledge', orderId: args.orderId, clientId: `${args.tag}-${i}` },
          (err: Error | null, res?: { ok: boolean; state?: string; error?: { code: string } }) => {
            const t = now();
            if (err || !res?.ok || res.state !== 'acknowledged') {
              acts.failures += 1;
              const why = err ? err.message : res?.ok ? `state ${res.state}` : (res?.error?.code ?? 'no answer');
              if (acts.failureSamples.length < 5 && !acts.failureSamples.includes(why)) acts.failureSamples.push(why);
            } else {
              acts.returnedAt.push(t);
              acts.latenciesMs.push(t - sentAt);
            }
            if (--pending === 0) resolve();
          },
        );
      });
      acts.lastFiredAt = now();
    });
    return acts;
  },

  async close(): Promise<number> {
    const n = sockets.length;
    await closeAll(sockets);
    sockets = [];
    return n;
  },
});
announce({ pid: process.pid });
