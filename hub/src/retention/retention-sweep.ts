import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { deleteAuditBefore, countAuditBefore } from '../audit/audit-retention.ts';
import { writeAudit } from '../audit/audit-log.ts';
import {
  countGroupImagesBefore,
  countPrefixes,
  deleteGroupImagesBefore,
  deleteMessagesUpTo,
  existingImageIds,
  expiredPrefixes,
  type Due,
} from '../conversations/conversation-retention.ts';
import type { ImageFiles } from '../conversations/image-files.ts';
import { countResolvedThreadsBefore, deleteResolvedThreadsBefore } from '../hotline/hotline-retention.ts';
import { newId } from '../ids.ts';
import type { Logger } from '../logger.ts';
import { localDate, localTime } from '../reports/local-period.ts';
import type { RetentionConfig, RetentionPeriods } from '../retention-config.ts';
import type { Database } from '../store/schema.ts';
import { createRetentionRuns, type HeldRun, type RetentionCounts } from './retention-runs.ts';

const DAY_MS = 86_400_000;
/** Rows per delete: short statements, so no long lock holds up the chat. */
const DEFAULT_BATCH = 1000;
/** Threads per transaction: each takes its whole conversation with it. */
const THREAD_BATCH = 50;
const DEFAULT_LEASE_MS = 5 * 60_000;

/** One line of the dry-run report. */
export interface KindReport {
  kind: keyof RetentionCounts;
  /** The period in days; undefined: kept forever (orphan files: always one day). */
  days: number | undefined;
  /** Made (hotline: resolved) before this instant is due; null when the kind is kept forever. */
  cutoff: number | null;
  count: number;
  oldest: number | null;
}

/** What a run that ended did: its row id and counts, or why it did nothing. */
export type RunOutcome =
  | { ran: true; runId: string; counts: RetentionCounts }
  | { ran: false; reason: 'not_due' | 'done' | 'held_elsewhere' | 'lost' };

class LostRun extends Error {}

/**
 * The retention sweep: deletes what is older than its configured period through the owning
 * modules' delete functions, in bounded batches, and removes orphan image files. A run is a row in
 * retention_runs claimed with a lease, so the daily run happens once across nodes; a node that
 * dies mid-run is taken over after the lease, going on from the counts recorded after each batch.
 * Each row is deleted by one statement, so even two holders (a lease outlived) delete it once.
 */
export function createRetentionSweep(deps: {
  db: Kysely<Database>;
  files: ImageFiles;
  config: RetentionConfig;
  /** Where the daily time is read (the report time zone). */
  timeZone: string;
  nodeId: string;
  log: Logger;
  now?: () => number;
  batchSize?: number;
  leaseMs?: number;
}) {
  const { db, files, config, log } = deps;
  const now = deps.now ?? Date.now;
  const batch = deps.batchSize ?? DEFAULT_BATCH;
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  const runs = createRetentionRuns(db, leaseMs, now);
  const cutoffOf = (days: number | undefined, t: number) => (days === undefined ? null : t - days * DAY_MS);

  const periodOf: Record<keyof RetentionCounts, keyof RetentionPeriods | null> = {
    groupMessages: 'groupMessages',
    groupImages: 'groupImages',
    hotlineThreads: 'hotline',
    auditEntries: 'audit',
    orphanFiles: null,
  };

  /** Image files older than a day with no row: yields them in batches as found. */
  async function* orphans(before: number): AsyncGenerator<{ ids: string[]; temps: string[] }> {
    for await (const found of files.olderThan(before)) {
      const known = await existingImageIds(db, found.ids);
      yield { ids: found.ids.filter((id) => !known.has(id)), temps: found.temps };
    }
  }

  async function due(kind: keyof RetentionCounts, cutoff: number): Promise<Due> {
    switch (kind) {
      case 'groupMessages':
        return countPrefixes(db, await expiredPrefixes(db, cutoff));
      case 'groupImages':
        return countGroupImagesBefore(db, cutoff);
      case 'hotlineThreads':
        return countResolvedThreadsBefore(db, cutoff);
      case 'auditEntries':
        return countAuditBefore(db, cutoff);
      case 'orphanFiles': {
        let count = 0;
        for await (const o of orphans(cutoff)) count += o.ids.length + o.temps.length;
        return { count, oldest: null };
      }
    }
  }

  /** Adds to the run's counts and records them with a fresh lease; stops the run when it was lost. */
  async function tally(run: HeldRun, kind: keyof RetentionCounts, n: number): Promise<void> {
    run.counts[kind] += n;
    if (!(await runs.renew(run))) throw new LostRun();
  }

  async function removeFiles(ids: string[]): Promise<void> {
    for (const id of ids) await files.remove(id);
  }

  async function work(run: HeldRun, t: number): Promise<void> {
    const p = config.periods;
    const messagesCutoff = cutoffOf(p.groupMessages, t);
    if (messagesCutoff !== null)
      for (const { groupId, upTo } of await expiredPrefixes(db, messagesCutoff))
        for (let n = batch; n === batch;) {
          n = await deleteMessagesUpTo(db, groupId, upTo, batch);
          await tally(run, 'groupMessages', n);
        }
    const imagesCutoff = cutoffOf(p.groupImages, t);
    if (imagesCutoff !== null)
      for (let n = batch; n === batch;) {
        const ids = await deleteGroupImagesBefore(db, imagesCutoff, batch);
        await removeFiles(ids);
        n = ids.length;
        await tally(run, 'groupImages', n);
      }
    const hotlineCutoff = cutoffOf(p.hotline, t);
    if (hotlineCutoff !== null)
      for (let n = THREAD_BATCH; n > 0;) {
        const gone = await deleteResolvedThreadsBefore(db, hotlineCutoff, THREAD_BATCH);
        await removeFiles(gone.imageIds);
        n = gone.threads;
        await tally(run, 'hotlineThreads', n);
      }
    const auditCutoff = cutoffOf(p.audit, t);
    if (auditCutoff !== null)
      for (let n = batch; n === batch;) {
        n = await deleteAuditBefore(db, auditCutoff, batch);
        await tally(run, 'auditEntries', n);
      }
    for await (const o of orphans(t - DAY_MS)) {
      await removeFiles(o.ids);
      for (const temp of o.temps) await files.removeTemp(temp);
      await tally(run, 'orphanFiles', o.ids.length + o.temps.length);
    }
  }

  /** Runs a claimed run to its end: the deletes, then its finish and (when it deleted any) audit entry in one transaction. */
  async function execute(run: HeldRun): Promise<RunOutcome> {
    const t = now();
    try {
      await work(run, t);
    } catch (err) {
      if (err instanceof LostRun) {
        log.warn({ runId: run.id }, 'retention run taken over by another node; stopping here');
        return { ran: false, reason: 'lost' };
      }
      throw err;
    }
    const deleted = Object.values(run.counts).some((n) => n > 0);
    const finished = await db.transaction().execute(async (trx) => {
      if (!(await createRetentionRuns(trx, leaseMs, now).finish(run))) return false;
      // The audit trail records deletions of records; a day with nothing to delete only logs.
      if (deleted)
        await writeAudit(
          trx,
          {
            actorId: null,
            action: 'retention.run',
            targetType: 'retention_run',
            targetId: run.id,
            detail: { ...run.counts },
          },
          now(),
        );
      return true;
    });
    if (!finished) return { ran: false, reason: 'lost' };
    log.info({ runId: run.id, ...run.counts }, 'retention run finished');
    return { ran: true, runId: run.id, counts: run.counts };
  }

  const holder = () => `${deps.nodeId}:${randomBytes(4).toString('hex')}`;

  return {
    /** The dry run: per kind, what a run now would delete (count, oldest) — deleting nothing. */
    async report(): Promise<KindReport[]> {
      const t = now();
      const out: KindReport[] = [];
      for (const kind of Object.keys(periodOf) as (keyof RetentionCounts)[]) {
        const period = periodOf[kind];
        const days = period ? config.periods[period] : 1;
        const cutoff = cutoffOf(days, t);
        const { count, oldest } = cutoff === null ? { count: 0, oldest: null } : await due(kind, cutoff);
        out.push({ kind, days: period ? days : undefined, cutoff, count, oldest });
      }
      return out;
    },

    /** Runs once now (`pnpm hub:retention`), as a run of its own. */
    async runNow(): Promise<RunOutcome> {
      const run = await runs.claim(`manual:${newId()}`, 'manual', holder());
      return run ? execute(run) : { ran: false, reason: 'held_elsewhere' };
    },

    /**
     * The daily run: from the configured local time on, the first node to claim the day's row
     * runs it; the others, and later ticks, find it held or done. A run whose holder died is
     * taken over once its lease has run out.
     */
    async tick(): Promise<RunOutcome> {
      const t = now();
      const lt = localTime(t, deps.timeZone);
      const hhmm = `${String(lt.hour).padStart(2, '0')}:${String(lt.minute).padStart(2, '0')}`;
      if (hhmm < config.time) return { ran: false, reason: 'not_due' };
      const id = `daily:${localDate(t, deps.timeZone)}`;
      if (await runs.finished(id)) return { ran: false, reason: 'done' };
      const run = await runs.claim(id, 'schedule', holder());
      return run ? execute(run) : { ran: false, reason: 'held_elsewhere' };
    },
  };
}
export type RetentionSweep = ReturnType<typeof createRetentionSweep>;
