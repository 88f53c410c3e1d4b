import type { Kysely } from 'kysely';
import {
  FIRST_ANSWER_BANDS_MS,
  HOTLINE_CATEGORIES,
  HOTLINE_STATUSES,
  type DurationFigures,
  type FirstAnswerBands,
  type HotlineCategory,
  type HotlineFigures,
  type HotlineStatus,
} from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';

/** Nearest-rank percentile of sorted values (p in (0, 1]). */
function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

function durations(values: number[]): DurationFigures {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, medianMs: percentile(sorted, 0.5), p90Ms: percentile(sorted, 0.9) };
}

/** Counts of first answers per band of FIRST_ANSWER_BANDS_MS (the last band open-ended). */
export function firstAnswerBands(waits: number[], unanswered: number): FirstAnswerBands {
  const counts = Array.from({ length: FIRST_ANSWER_BANDS_MS.length + 1 }, () => 0);
  for (const ms of waits) {
    const band = FIRST_ANSWER_BANDS_MS.findIndex((limit) => ms < limit);
    counts[band === -1 ? FIRST_ANSWER_BANDS_MS.length : band]!++;
  }
  return { counts, unanswered };
}

/**
 * The hotline's figures for reports, over threads created in [fromMs, toMs) at the given stations:
 * how many by category and status, the answered share, time to first answer and to resolution
 * (median, p90, and counts in fixed bands), and satisfaction from the residents' ratings.
 */
export async function hotlineFigures(
  db: Kysely<Database>,
  stationIds: string[],
  fromMs: number,
  toMs: number,
): Promise<HotlineFigures> {
  const rows = stationIds.length
    ? await db
        .selectFrom('hotline_threads')
        .select([
          'category',
          'status',
          'created_at',
          'due_at',
          'first_answered_at',
          'resolved_at',
          'overdue_flagged_at',
          'handoff_at',
          'rating_score',
        ])
        .where('station_id', 'in', stationIds)
        .where('created_at', '>=', fromMs)
        .where('created_at', '<', toMs)
        .execute()
    : [];
  const byCategory = Object.fromEntries(HOTLINE_CATEGORIES.map((c) => [c, 0])) as Record<HotlineCategory, number>;
  const byStatus = Object.fromEntries(HOTLINE_STATUSES.map((s) => [s, 0])) as Record<HotlineStatus, number>;
  const firstAnswer: number[] = [];
  const resolution: number[] = [];
  const distribution: [number, number, number, number, number] = [0, 0, 0, 0, 0];
  let answeredInTarget = 0;
  let overdue = 0;
  let handedOff = 0;
  for (const r of rows) {
    byCategory[r.category]++;
    byStatus[r.status]++;
    if (r.first_answered_at !== null) {
      firstAnswer.push(r.first_answered_at - r.created_at);
      if (r.first_answered_at <= r.due_at) answeredInTarget++;
    }
    if (r.status === 'resolved' && r.resolved_at !== null) resolution.push(r.resolved_at - r.created_at);
    if (r.overdue_flagged_at !== null) overdue++;
    if (r.handoff_at !== null) handedOff++;
    if (r.rating_score !== null && r.rating_score >= 1 && r.rating_score <= 5) distribution[r.rating_score - 1]!++;
  }
  const ratings = distribution.reduce((a, b) => a + b, 0);
  const sum = distribution.reduce((a, n, i) => a + n * (i + 1), 0);
  return {
    stationIds,
    fromMs,
    toMs,
    total: rows.length,
    byCategory,
    byStatus,
    answered: firstAnswer.length,
    answeredShare: rows.length ? firstAnswer.length / rows.length : 0,
    answeredInTarget,
    overdue,
    handedOff,
    timeToFirstAnswer: durations(firstAnswer),
    firstAnswerBands: firstAnswerBands(firstAnswer, rows.length - firstAnswer.length),
    resolutionTime: durations(resolution),
    satisfaction: {
      ratings,
      average: ratings ? sum / ratings : null,
      satisfiedShare: ratings ? (distribution[3] + distribution[4]) / ratings : 0,
      distribution,
    },
  };
}
