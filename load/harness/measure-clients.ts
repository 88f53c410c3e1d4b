import { closeAll, connectMany } from './clients.ts';
import { perConnection, settledMemory, type PerConnection } from './memory.ts';
import type { RunSettings } from './measure-target.ts';

/** Memory of N socket.io-client connections alone, measured in a process that holds no server. */
export interface ClientsRun {
  n: number;
  connected: number;
  memory: PerConnection;
}

/**
 * Connects N clients to a server in ANOTHER process (the bench's own baseline server) and
 * measures this process's growth: the client-side share of an in-process run, to subtract.
 */
export async function measureClients(url: string, n: number, settings: RunSettings): Promise<ClientsRun> {
  const opts = {
    auth: { token: `${'b'.repeat(24)}.${'b'.repeat(24)}` },
    concurrency: settings.concurrency,
    timeoutMs: settings.connectTimeoutMs,
  };
  if (settings.warmup > 0) await closeAll((await connectMany(url, settings.warmup, opts)).sockets);
  const before = await settledMemory();
  const conn = await connectMany(url, n, opts);
  try {
    const after = await settledMemory();
    return { n, connected: conn.sockets.length, memory: perConnection(before, after, conn.sockets.length) };
  } finally {
    await closeAll(conn.sockets);
  }
}
