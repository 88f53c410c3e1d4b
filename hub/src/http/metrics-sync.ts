import type { Metrics } from './metrics.ts';

/** Sync commands and how to count the items of their answer. */
const SYNC_ITEMS: Record<string, { kind: string; count(body: Record<string, unknown>): number }> = {
  'group:sync': { kind: 'group', count: (b) => length(b.messages) + length(b.edits) },
  'hotline:sync': { kind: 'hotline', count: (b) => length(b.messages) + length(b.edits) },
  'order:sync': { kind: 'order', count: (b) => length(b.assignments) },
};

const length = (v: unknown) => (Array.isArray(v) ? v.length : 0);

/** Records the size of a successful sync answer (any other command's answer is ignored). */
export function observeSyncAnswer(metrics: Metrics, event: string, body: object): void {
  const sync = SYNC_ITEMS[event];
  if (sync) metrics.syncItems.observe({ kind: sync.kind }, sync.count(body as Record<string, unknown>));
}
