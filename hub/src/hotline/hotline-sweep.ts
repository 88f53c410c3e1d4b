import type { Kysely } from 'kysely';
import { stationHeads } from '../org/org-queries.ts';
import type { Database } from '../store/schema.ts';
import type { HotlineNotifier } from './hotline-context.ts';
import type { HotlineViews } from './hotline-views.ts';

/**
 * Flags threads with no first answer past their response target to the station head, once per
 * thread. The claim is one UPDATE … RETURNING that sets `overdue_flagged_at` only where it is
 * still null, so with several hub nodes sweeping each thread is flagged by exactly one of them.
 */
export function createHotlineSweep(deps: {
  db: Kysely<Database>;
  views: HotlineViews;
  notify: HotlineNotifier;
  now?: () => number;
  /** For the lag metric: how late (ms) the oldest thread a pass flagged was past its due time. */
  onLateBy?: (ms: number) => void;
}) {
  const { db, views, notify } = deps;
  const now = deps.now ?? Date.now;
  return {
    /** One pass; returns how many threads it flagged. */
    async run(): Promise<{ flagged: number }> {
      const t = now();
      const claimed = await db
        .updateTable('hotline_threads')
        .set({ overdue_flagged_at: t })
        .where('overdue_flagged_at', 'is', null)
        .where('first_answered_at', 'is', null)
        .where('status', '!=', 'resolved')
        .where('due_at', '<=', t)
        .returning(['id', 'station_id', 'due_at'])
        .execute();
      if (claimed.length) deps.onLateBy?.(t - claimed.reduce((m, r) => Math.min(m, Number(r.due_at)), t));
      for (const row of claimed) {
        const heads = await stationHeads(db, row.station_id);
        const v = await views.both(row.id);
        notify.overdue(
          v.staff,
          heads.map((h) => h.id),
        );
        notify.threadChanged(
          { resident: null, staff: v.staff },
          { stationId: v.stationId, residentId: v.residentId, assigneeId: v.assigneeId },
          'overdue',
        );
      }
      return { flagged: claimed.length };
    },
  };
}
