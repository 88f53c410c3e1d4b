import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeHeapSnapshot } from 'node:v8';

/** The parts of `process.memoryUsage()` the report uses, in bytes. */
export interface MemorySnapshot {
  rss: number;
  heapUsed: number;
  /** C++ objects bound to JS plus ArrayBuffers: socket buffers live here, not in the heap. */
  external: number;
}

/** Growth per connection, in KiB. */
export interface PerConnection {
  rssKiB: number;
  heapKiB: number;
  externalKiB: number;
}

/** True when the process runs with --expose-gc; without it heap figures include garbage. */
export const gcExposed = typeof globalThis.gc === 'function';

/**
 * Lets pending I/O and handlers finish, collects garbage twice (the second pass frees what the
 * first one's finalisers released), then samples memory: so a delta is what stays allocated.
 */
export async function settledMemory(): Promise<MemorySnapshot> {
  await sleep(200);
  globalThis.gc?.();
  await sleep(20);
  globalThis.gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external };
}

/** (after − before) / n, in KiB; n = 0 gives NaN rather than a fake zero. */
export function perConnection(before: MemorySnapshot, after: MemorySnapshot, n: number): PerConnection {
  const kib = (a: number, b: number) => (n > 0 ? (b - a) / 1024 / n : Number.NaN);
  return {
    rssKiB: kib(before.rss, after.rss),
    heapKiB: kib(before.heapUsed, after.heapUsed),
    externalKiB: kib(before.external, after.external),
  };
}

/**
 * Writes this process's heap snapshot into `dir` after a full GC (open it in Chrome DevTools, or
 * summarise it with `heap-summary.ts`) and answers its path: what a connection holds, by object.
 */
export async function heapSnapshotTo(args: { dir: string; name: string }): Promise<string> {
  await settledMemory();
  return writeHeapSnapshot(join(args.dir, `${args.name}.heapsnapshot`));
}
