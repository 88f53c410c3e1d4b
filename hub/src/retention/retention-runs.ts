import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';

/** What one run deleted (or, in a dry run, would delete), per kind. */
export interface RetentionCounts {
  groupMessages: number;
  groupImages: number;
  hotlineThreads: number;
  auditEntries: number;
  /** Image files without a row, older than a day (a crash between file and row, or between row and file removal). */
  orphanFiles: number;
}

export const ZERO_COUNTS: RetentionCounts = {
  groupMessages: 0,
  groupImages: 0,
  hotlineThreads: 0,
  auditEntries: 0,
  orphanFiles: 0,
};

/** A run this process holds: only its holder may extend it, record counts and finish it. */
export interface HeldRun {
  id: string;
  holder: string;
  /** Counts already recorded (a run taken over from a crashed node goes on from them). */
  counts: RetentionCounts;
}

/**
 * The retention_runs rows: each run's claim, lease and counts. Claiming inserts the run's row
 * (the primary key lets one node win a day's run) or takes over one whose holder stopped renewing.
 */
export function createRetentionRuns(db: Kysely<Database>, leaseMs: number, now: () => number) {
  return {
    /** Takes run `id` for `holder`, or undefined when another holds it or it is finished. */
    async claim(id: string, trigger: 'schedule' | 'manual', holder: string): Promise<HeldRun | undefined> {
      const t = now();
      const inserted = await db
        .insertInto('retention_runs')
        .values({
          id,
          trigger,
          holder,
          started_at: t,
          lease_until: t + leaseMs,
          finished_at: null,
          summary: JSON.stringify(ZERO_COUNTS),
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted) return { id, holder, counts: { ...ZERO_COUNTS } };
      const taken = await db
        .updateTable('retention_runs')
        .set({ holder, lease_until: t + leaseMs })
        .where('id', '=', id)
        .where('finished_at', 'is', null)
        .where('lease_until', '<', t)
        .returning('summary')
        .executeTakeFirst();
      return taken && { id, holder, counts: { ...ZERO_COUNTS, ...(JSON.parse(taken.summary) as RetentionCounts) } };
    },

    /** Records the counts so far and extends the lease; false when the run was lost to another node. */
    async renew(run: HeldRun): Promise<boolean> {
      const res = await db
        .updateTable('retention_runs')
        .set({ summary: JSON.stringify(run.counts), lease_until: now() + leaseMs })
        .where('id', '=', run.id)
        .where('holder', '=', run.holder)
        .where('finished_at', 'is', null)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },

    /** Marks the run finished with its counts; false when it was lost meanwhile. */
    async finish(run: HeldRun): Promise<boolean> {
      const res = await db
        .updateTable('retention_runs')
        .set({ summary: JSON.stringify(run.counts), finished_at: now() })
        .where('id', '=', run.id)
        .where('holder', '=', run.holder)
        .where('finished_at', 'is', null)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },

    /** True when run `id` has finished. */
    async finished(id: string): Promise<boolean> {
      const row = await db.selectFrom('retention_runs').select('finished_at').where('id', '=', id).executeTakeFirst();
      return row?.finished_at != null;
    },
  };
}
export type RetentionRuns = ReturnType<typeof createRetentionRuns>;
