import { readFileSync } from 'node:fs';

/** Descriptors a measuring process needs besides its sockets: stdio, SQLite, IPC, the event loop. */
const RESERVED_FDS = 256;

/** The soft limit on open files of this process (what `ulimit -n` prints), or undefined if unknown. */
export function openFileLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s+/)[3];
    if (soft === 'unlimited') return Number.POSITIVE_INFINITY;
    const n = Number(soft);
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The largest N one measuring process can hold: server and clients share it, so every
 * connection costs two descriptors (the client's end and the server's end). Node cannot raise its
 * own limit; the caller says so and caps.
 */
export function maxConnectionsFor(limit: number | undefined): number {
  if (limit === undefined) return 1000;
  if (!Number.isFinite(limit)) return Number.MAX_SAFE_INTEGER;
  return Math.max(0, Math.floor((limit - RESERVED_FDS) / 2));
}
