import { monitorEventLoopDelay } from 'node:perf_hooks';

/** How long the event loop kept timers waiting, since the last reading (ms). */
export interface LoopDelay {
  p99Ms: number;
  maxMs: number;
}

/**
 * The process's event-loop delay, for a server under test: every reading answers what was seen
 * since the one before and starts anew, so a bench reads once before a level and once after it.
 * Blocking work (a synchronous checkpoint, a long GC pause, a big batch of writes) shows here even
 * when CPU time per message does not.
 */
export function loopDelayMeter(): () => Promise<LoopDelay> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  return async () => {
    const out = { p99Ms: h.percentile(99) / 1e6, maxMs: h.max / 1e6 };
    h.reset();
    return out;
  };
}
