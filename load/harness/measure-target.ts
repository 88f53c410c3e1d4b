import { awaitBroadcast, closeAll, connectMany, type ConnectOptions } from './clients.ts';
import { gcExposed, perConnection, settledMemory, type PerConnection } from './memory.ts';
import { summarize, type Summary } from './stats.ts';
import { BROADCAST_EVENT, startTarget, type TargetName } from './targets.ts';

/** Settings one measuring process runs with. */
export interface RunSettings {
  concurrency: number;
  connectTimeoutMs: number;
  broadcastTimeoutMs: number;
  /** Connections made and dropped first, so neither server is measured with cold code. */
  warmup: number;
}

/** One server, N clients, measured in one process. */
export interface TargetRun {
  target: TargetName;
  n: number;
  connect: { latency: Summary; totalMs: number; failures: number; failureSamples: string[] };
  /** Server sockets the server counted once all clients reported connected. */
  serverClients: number;
  /** Growth per connection of THIS process: server side and client side together. */
  memory: PerConnection;
  /** Whether memory was sampled after a full GC (the worker runs with --expose-gc). */
  gcExposed: boolean;
  broadcast: { latency: Summary; emitMs: number; missing: number };
}

/** A notice of the size a dispatcher sends: 39 characters, 117 bytes of UTF-8. */
const NOTICE = '各单位注意：今晚二十点起开展夜间巡逻，请按网格分片到岗，并在系统中签收本通知。';

/**
 * Starts the target, warms it up, connects N clients (measuring latency and memory growth),
 * broadcasts one announcement to all of them, then closes everything it opened.
 */
export async function measureTarget(name: TargetName, n: number, settings: RunSettings): Promise<TargetRun> {
  const target = await startTarget(name);
  const opts: ConnectOptions = {
    auth: target.auth,
    concurrency: settings.concurrency,
    timeoutMs: settings.connectTimeoutMs,
  };
  let sockets: Awaited<ReturnType<typeof connectMany>>['sockets'] = [];
  try {
    if (settings.warmup > 0) {
      const warm = await connectMany(target.url, settings.warmup, opts);
      await awaitBroadcast(
        warm.sockets,
        BROADCAST_EVENT,
        () => target.broadcast({ room: 'all', text: 'warm-up', at: Date.now() }),
        settings.broadcastTimeoutMs,
      );
      await closeAll(warm.sockets);
    }
    const before = await settledMemory();
    const conn = await connectMany(target.url, n, opts);
    sockets = conn.sockets;
    const after = await settledMemory();
    const serverClients = target.serverClients();
    const bc = await awaitBroadcast(
      sockets,
      BROADCAST_EVENT,
      () => target.broadcast({ room: 'all', text: NOTICE, at: Date.now() }),
      settings.broadcastTimeoutMs,
    );
    return {
      target: name,
      n,
      connect: {
        latency: summarize(conn.latenciesMs),
        totalMs: conn.totalMs,
        failures: conn.failures,
        failureSamples: conn.failureSamples,
      },
      serverClients,
      memory: perConnection(before, after, conn.sockets.length),
      gcExposed,
      broadcast: { latency: summarize(bc.latenciesMs), emitMs: bc.emitMs, missing: bc.missing },
    };
  } finally {
    await closeAll(sockets);
    await target.close();
  }
}
