import { observeSyncAnswer } from './metrics-sync.ts';
import type { Metrics } from './metrics.ts';

/**
 * The command router's observer for the metrics: each command counted by event and outcome as a
 * plain number, folded into `hub_socket_events_in_total` before each scrape, and the size of each
 * sync answer. A labelled `inc` per command would cost prom-client's label hashing and checks on
 * every command; the events are the protocol's commands and `(unknown)`, so the counts stay few.
 */
export function observeCommands(metrics: Metrics) {
  /** Per event, [succeeded, failed] since the last scrape. */
  const pending = new Map<string, [number, number]>();
  metrics.beforeScrape.push(async () => {
    for (const [event, counts] of pending) {
      if (counts[0] > 0) metrics.socketEvents.inc({ event, ok: 'true' }, counts[0]);
      if (counts[1] > 0) metrics.socketEvents.inc({ event, ok: 'false' }, counts[1]);
      counts[0] = 0;
      counts[1] = 0;
    }
  });
  return {
    onEvent(event: string, ok: boolean, body?: object): void {
      let counts = pending.get(event);
      if (!counts) pending.set(event, (counts = [0, 0]));
      counts[ok ? 0 : 1] += 1;
      if (body) observeSyncAnswer(metrics, event, body);
    },
  };
}
