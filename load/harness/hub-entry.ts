import { allocationSampler } from './allocation-sampling.ts';
import { now } from './clock.ts';
import { announce, serve } from './ipc.ts';
import { loopDelayMeter } from './loop-delay.ts';
import { heapSnapshotTo, settledMemory } from './memory.ts';

/**
 * A hub node as the bench runs it: the hub's own `src/main.ts`, unchanged (configuration from the
 * environment, banner, graceful stop on SIGTERM), plus the one thing only the process itself can
 * tell: its memory after a full GC (so it runs with --expose-gc), its CPU time, and its monotonic
 * clock, which is the clock of its --cpu-prof samples. Forked with cwd hub/.
 */
serve({
  memory: () => settledMemory(),
  heapSnapshot: heapSnapshotTo,
  cpu: async () => process.cpuUsage(),
  loopDelay: loopDelayMeter(),
  clock: async () => ({ wall: now(), monoUs: Number(process.hrtime.bigint() / 1000n) }),
  ...allocationSampler(),
});
await import('../../hub/src/main.ts');
announce({ pid: process.pid });
