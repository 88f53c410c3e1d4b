import type { Kysely } from 'kysely';
import type { Actor } from '../auth/permissions.ts';
import { errors } from '../errors.ts';
import type { DueReport, ReportKind, ReportSettings } from '../protocol/index.ts';
import { groupsOfKind } from '../conversations/conversation-queries.ts';
import { unitsOfKind } from '../org/org-queries.ts';
import type { Database } from '../store/schema.ts';
import { lastCompleted, latestSlot, type Period } from './local-period.ts';

const DAY = 86_400_000;
/** Stations get the morning briefing and all reports; branches the reports. */
const KINDS_OF: Record<string, ReportKind[]> = {
  station: ['briefing', 'daily', 'weekly', 'monthly'],
  branch: ['daily', 'weekly', 'monthly'],
};

/**
 * The schedule: for every station and branch, the latest period of each kind whose time has
 * come (briefing: the 24 h up to today's briefing time, or yesterday's before it; reports: the
 * last completed day, week from Monday, month), cut in the unit's time zone. Only the latest
 * period is listed, so a bot that was down produces each missed report once, not a backlog.
 */
export function createReportSchedule(deps: {
  db: Kysely<Database>;
  settingsOf: (unitId: string) => Promise<ReportSettings>;
  now: () => number;
}) {
  const { db } = deps;
  return {
    async due(actor: Actor): Promise<DueReport[]> {
      if (actor.role !== 'bot') throw errors.forbidden('the schedule is read by bots');
      const t = deps.now();
      const units = await unitsOfKind(db, ['station', 'branch']);
      const rooms = await groupsOfKind(db, 'command_room');
      const parentOf = new Map((await unitsOfKind(db, ['command_room'])).map((u) => [u.id, u.parent_id]));
      const roomOf = new Map(rooms.map((r) => [parentOf.get(r.unit_id ?? '') ?? null, r.id]));
      const wanted: DueReport[] = [];
      for (const u of units) {
        const s = await deps.settingsOf(u.id);
        for (const kind of KINDS_OF[u.kind] ?? []) {
          let p: Period;
          if (kind === 'briefing') {
            const slot = latestSlot(s.briefingTime, t, s.timeZone);
            p = { start: slot - DAY, end: slot };
          } else p = lastCompleted(kind, t, s.timeZone);
          wanted.push({
            kind,
            unitId: u.id,
            periodStart: p.start,
            periodEnd: p.end,
            groupId: roomOf.get(u.id) ?? null,
            reportId: null,
            posted: false,
          });
        }
      }
      if (wanted.length === 0) return [];
      const stored = await db
        .selectFrom('reports')
        .select(['id', 'unit_id', 'kind', 'period_start', 'posted_at'])
        .where('unit_id', 'in', [...new Set(wanted.map((w) => w.unitId))])
        .where('period_start', 'in', [...new Set(wanted.map((w) => w.periodStart))])
        .execute();
      const key = (unitId: string, kind: string, start: number) => `${unitId}|${kind}|${start}`;
      const byKey = new Map(stored.map((r) => [key(r.unit_id, r.kind, Number(r.period_start)), r]));
      for (const w of wanted) {
        const r = byKey.get(key(w.unitId, w.kind, w.periodStart));
        if (r) {
          w.reportId = r.id;
          w.posted = r.posted_at !== null;
        }
      }
      return wanted;
    },
  };
}
