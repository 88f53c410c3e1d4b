import type { Metrics } from './metrics.ts';

/** The background sweeps the metrics name; a fixed list keeps the label bounded. */
export type SweepName = 'orders' | 'hotline' | 'push_outbox' | 'escalation_ladder';

/** What a sweep reports to the metrics: its passes, and how late the oldest due item was when handled. */
export interface SweepMeter {
  /** `ms` past the due time of the oldest item a pass handled. */
  lateBy(ms: number): void;
  /** Counts a pass by outcome once it settles; hands back the same promise. */
  track<T>(pass: Promise<T>): Promise<T>;
}

/** A sweep's meter; its interval is exported so the lag alert can compare against it. */
export function sweepMeter(metrics: Metrics, sweep: SweepName, everyMs: number, now = Date.now): SweepMeter {
  metrics.sweepInterval.set({ sweep }, everyMs / 1000);
  // Starts at the meter's creation, so a sweep that never succeeds still trips the stalled alert.
  metrics.sweepLastSuccess.set({ sweep }, now() / 1000);
  return {
    lateBy: (ms) => metrics.sweepLag.observe({ sweep }, Math.max(0, ms) / 1000),
    track: (pass) =>
      pass.then(
        (value) => {
          metrics.sweepRuns.inc({ sweep, outcome: 'ok' });
          metrics.sweepLastSuccess.set({ sweep }, now() / 1000);
          return value;
        },
        (err: unknown) => {
          metrics.sweepRuns.inc({ sweep, outcome: 'failed' });
          throw err;
        },
      ),
  };
}
