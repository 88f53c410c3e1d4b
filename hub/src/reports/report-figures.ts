import type { Kysely } from 'kysely';
import type {
  GroupFigures,
  IncidentFigures,
  OrderFigures,
  OverdueItem,
  PersonOrderFigures,
  ReportFigures,
  Trend,
  UnitBreakdown,
} from '../protocol/index.ts';
import { INCIDENT_CATEGORIES, STAFF_ROLES } from '../protocol/index.ts';
import { groupsOfKind, hasMessagesBefore, messageCounts } from '../conversations/conversation-queries.ts';
import { matterCounts, openMattersPerGroup, unsettledDisputes } from '../groups/matter-queries.ts';
import { hasIncidentsBefore, incidentCounts, incidentTimes, notableIncidents } from '../incidents/incident-queries.ts';
import {
  assignmentTotals,
  hasOrdersBefore,
  issuedCount,
  lateAssignments,
  personAssignmentFigures,
} from '../orders/order-queries.ts';
import { onDutyWithin, unitsWithin } from '../org/org-queries.ts';
import type { Database } from '../store/schema.ts';
import type { Period } from './local-period.ts';
import { dailySeries } from './incident-daily.ts';
import { focusOf } from './report-focus.ts';

/** The hotline figures a report shows (the hotline module's HotlineFigures has these fields and more). */
export interface HotlineFiguresLike {
  total: number;
  answered: number;
  overdue: number;
  timeToFirstAnswer: { medianMs: number | null; p90Ms: number | null };
  firstAnswerBands?: { counts: number[]; unanswered: number };
  satisfaction: { ratings: number; average: number | null; satisfiedShare: number };
}
export type HotlineFiguresSource = (stationIds: string[], fromMs: number, toMs: number) => Promise<HotlineFiguresLike>;

/** The unit a report covers, the periods it compares and the time zone its local dates are cut in. */
export interface FigureScope {
  unit: { id: string; path: string };
  timeZone: string;
  period: Period;
  previous: Period;
  lastYear: Period;
}

const DAY = 86_400_000;
/** Late assignments are looked for among orders of this long before the period's end (or the period, if longer). */
const OVERDUE_LOOKBACK_MS = 30 * DAY;
const NOTABLE_LIMIT = 10;
const OVERDUE_LIST_LIMIT = 20;
const BUSIEST = 3;
const ON_DUTY_LIMIT = 50;
const PEOPLE_LIMIT = 200;

/** Percent change one decimal, or null when the base is missing or zero. */
export function changePct(current: number, base: number | null): number | null {
  if (base === null || base === 0) return null;
  return Math.round(((current - base) / base) * 1000) / 10;
}

export function trend(current: number, previous: number | null, lastYear: number | null): Trend {
  return {
    current,
    previous,
    lastYear,
    changePct: changePct(current, previous),
    yearPct: changePct(current, lastYear),
  };
}

const n = (v: unknown): number => Number(v ?? 0);

/**
 * Every figure of a briefing or report, counted by the store (SQL aggregates on either
 * dialect) over the unit's subtree. Comparisons are null ("—") where the store holds nothing
 * that old: a count of zero is only claimed when records reach back that far.
 */
export async function buildFigures(
  db: Kysely<Database>,
  scope: FigureScope,
  hotline?: HotlineFiguresSource,
): Promise<ReportFigures> {
  const { period, previous } = scope;
  const units = await unitsWithin(db, scope.unit.path);
  const unitIds = units.map((u) => u.id);
  const stationIds = units.filter((u) => u.kind === 'station').map((u) => u.id);
  const grids = unitIds.length ? await groupsOfKind(db, 'grid', unitIds) : [];
  const gridIds = grids.map((g) => g.id);

  const [incidents, orders, grouped, onDuty, hotlineSection] = await Promise.all([
    incidentFigures(db, stationIds, scope),
    orderFigures(db, scope, unitIds),
    groupFigures(db, grids, period, previous),
    dutyFigures(db, scope.unit.path),
    hotlineFigures(hotline, stationIds, period),
  ]);
  const { perGroup, openPerGroup, ...groups } = grouped;
  const breakdown = await unitBreakdown(db, scope, units, grids, orders.people, { perGroup, openPerGroup });
  const openDisputes = gridIds.length ? await unsettledDisputes(db, gridIds, period.end - 3 * DAY, 3) : [];
  const people = orders.people.map(({ unitId: _unit, ...p }) => p);
  const figures: ReportFigures = {
    incidents,
    orders: { ...orders, people },
    hotline: hotlineSection,
    groups,
    onDuty,
    units: breakdown,
    focus: [],
  };
  figures.focus = focusOf(
    figures,
    openDisputes.map((d) => ({ title: d.title, group: d.name, days: Math.floor((period.end - d.created_at) / DAY) })),
  );
  return figures;
}

async function incidentFigures(
  db: Kysely<Database>,
  stationIds: string[],
  scope: FigureScope,
): Promise<IncidentFigures> {
  const { period, previous, lastYear, timeZone } = scope;
  if (stationIds.length === 0)
    return { total: trend(0, null, null), byCategory: [], daily: dailySeries([], period, timeZone, []), notable: [] };
  const counts = (p: Period) => incidentCounts(db, stationIds, p, 'category');
  // Records reach back into a comparison period when one exists before its end.
  const hasData = (p: Period) => hasIncidentsBefore(db, stationIds, p.end);
  const [cur, prev, ly] = await Promise.all([
    counts(period),
    (await hasData(previous)) ? counts(previous) : null,
    (await hasData(lastYear)) ? counts(lastYear) : null,
  ]);
  const sum = (m: Map<string, number> | null) => (m ? [...m.values()].reduce((a, b) => a + b, 0) : null);
  const categories = [
    ...INCIDENT_CATEGORIES,
    ...[...cur.keys()].filter((c) => !(INCIDENT_CATEGORIES as readonly string[]).includes(c)),
  ];
  const byCategory = categories
    .map((category) => ({
      category,
      ...trend(cur.get(category) ?? 0, prev ? (prev.get(category) ?? 0) : null, ly ? (ly.get(category) ?? 0) : null),
    }))
    .filter((c) => c.current > 0 || (c.previous ?? 0) > 0 || (c.lastYear ?? 0) > 0);
  // The period's rows, bucketed by local date here: the same on either dialect.
  const rows = await incidentTimes(db, stationIds, period);
  const daily = dailySeries(
    rows.map((r) => ({ at: n(r.reported_at), category: r.category })),
    period,
    timeZone,
    categories.filter((c) => (cur.get(c) ?? 0) > 0),
  );
  const notable = await notableIncidents(db, stationIds, period, NOTABLE_LIMIT);
  return {
    total: trend(sum(cur)!, sum(prev), sum(ly)),
    byCategory,
    daily,
    notable: notable.map((r) => ({
      id: r.id,
      number: r.number,
      category: r.category,
      place: r.place,
      summary: r.summary.slice(0, 80),
      status: r.status,
      reportedAt: n(r.reported_at),
    })),
  };
}

async function orderFigures(
  db: Kysely<Database>,
  scope: FigureScope,
  unitIds: string[],
): Promise<Omit<OrderFigures, 'people'> & { people: (PersonOrderFigures & { unitId: string })[] }> {
  const { period, previous, lastYear } = scope;
  const issued = (p: Period) => issuedCount(db, unitIds, p);
  const hasData = (p: Period) => hasOrdersBefore(db, unitIds, p.end);
  const [cur, prev, ly, totals] = await Promise.all([
    issued(period),
    (await hasData(previous)) ? issued(previous) : null,
    (await hasData(lastYear)) ? issued(lastYear) : null,
    assignmentTotals(db, unitIds, period),
  ]);
  const lookback = Math.max(OVERDUE_LOOKBACK_MS, period.end - period.start);
  const end = period.end;
  const late = await lateAssignments(db, unitIds, end - lookback, end);
  const overdueList: OverdueItem[] = late.map((r) => {
    const ackLate = n(r.ack_due_at) < end && (r.acknowledged_at === null || n(r.acknowledged_at) >= end);
    return {
      orderId: r.order_id,
      title: r.title,
      userId: r.user_id,
      name: r.name,
      unitName: r.unit_name,
      stage: ackLate ? 'ack' : 'complete',
      dueAt: n(ackLate ? r.ack_due_at : r.complete_due_at),
    };
  });
  const peopleRows = await personAssignmentFigures(db, scope.unit.path, period, PEOPLE_LIMIT);
  const people: (PersonOrderFigures & { unitId: string })[] = peopleRows.map((r) => ({
    userId: r.user_id,
    name: r.name,
    unitId: r.unit_id,
    unitName: r.unit_name,
    assigned: n(r.assigned),
    acknowledged: n(r.acknowledged),
    acknowledgedOnTime: n(r.acknowledged_on_time),
    completed: n(r.completed),
    completedOnTime: n(r.completed_on_time),
    overdue: n(r.overdue),
  }));
  return {
    issued: trend(cur, prev, ly),
    assignments: n(totals.assignments),
    delivered: n(totals.delivered),
    read: n(totals.read),
    acknowledged: n(totals.acknowledged),
    acknowledgedOnTime: n(totals.acknowledged_on_time),
    completed: n(totals.completed),
    completedOnTime: n(totals.completed_on_time),
    overdue: overdueList.length,
    overdueList: overdueList.slice(0, OVERDUE_LIST_LIMIT),
    people,
  };
}

async function groupFigures(
  db: Kysely<Database>,
  grids: { id: string; name: string }[],
  period: Period,
  previous: Period,
): Promise<GroupFigures & { perGroup: Map<string, number>; openPerGroup: Map<string, number> }> {
  const gridIds = grids.map((g) => g.id);
  if (gridIds.length === 0) {
    return {
      messages: trend(0, null, null),
      activeGroups: 0,
      openMatters: 0,
      newMatters: 0,
      newDisputes: 0,
      topics: [],
      busiest: [],
      perGroup: new Map(),
      openPerGroup: new Map(),
    };
  }
  const perGroupOf = (p: Period) => messageCounts(db, gridIds, p);
  const hasPrevious = await hasMessagesBefore(db, gridIds, previous.end);
  const [perGroup, prev, matters, openPerGroup] = await Promise.all([
    perGroupOf(period),
    hasPrevious ? perGroupOf(previous) : null,
    matterCounts(db, gridIds, period),
    openMattersPerGroup(db, gridIds, period.end),
  ]);
  const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const names = new Map(grids.map((g) => [g.id, g.name]));
  const busiest = [...perGroup.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, BUSIEST)
    .map(([groupId, messages]) => ({ groupId, name: names.get(groupId) ?? '', messages }));
  return {
    messages: trend(total(perGroup), prev ? total(prev) : null, null),
    activeGroups: perGroup.size,
    openMatters: total(openPerGroup),
    newMatters: matters.total,
    newDisputes: matters.disputes,
    topics: [],
    busiest,
    perGroup,
    openPerGroup,
  };
}

async function dutyFigures(db: Kysely<Database>, path: string): Promise<ReportFigures['onDuty']> {
  const rows = await onDutyWithin(db, path, STAFF_ROLES, ON_DUTY_LIMIT);
  return rows.map((r) => ({ userId: r.id, name: r.name, role: r.role, unitName: r.unit_name }));
}

async function hotlineFigures(
  source: HotlineFiguresSource | undefined,
  stationIds: string[],
  period: Period,
): Promise<ReportFigures['hotline']> {
  if (!source) return { available: false, reason: 'hotline module not running' };
  if (stationIds.length === 0) return { available: false, reason: 'no station in this unit' };
  const f = await source(stationIds, period.start, period.end);
  return { available: true, figures: { ...f } as Record<string, unknown> };
}

/** Per child unit of the scope (a branch's stations; a station's squads, room and communities). */
async function unitBreakdown(
  db: Kysely<Database>,
  scope: FigureScope,
  units: { id: string; parent_id: string | null; kind: string; name: string; path: string }[],
  grids: { id: string; unit_id: string | null }[],
  people: (PersonOrderFigures & { unitId: string })[],
  grouped: { perGroup: Map<string, number>; openPerGroup: Map<string, number> },
): Promise<UnitBreakdown[]> {
  const children = units.filter((u) => u.parent_id === scope.unit.id);
  if (children.length === 0) return [];
  const pathOf = new Map(units.map((u) => [u.id, u.path]));
  const childOf = (unitId: string | null) => {
    const p = unitId ? pathOf.get(unitId) : undefined;
    return p ? children.find((c) => p.startsWith(c.path)) : undefined;
  };
  const rows = new Map<string, UnitBreakdown>(
    children.map((c) => [
      c.id,
      {
        unitId: c.id,
        name: c.name,
        kind: c.kind,
        incidents: 0,
        assignments: 0,
        acknowledgedOnTime: 0,
        completedOnTime: 0,
        overdue: 0,
        messages: 0,
        openMatters: 0,
      },
    ]),
  );
  const stationIds = units.filter((u) => u.kind === 'station' && u.id !== scope.unit.id).map((u) => u.id);
  if (stationIds.length) {
    const inc = await incidentCounts(db, stationIds, scope.period, 'station_id');
    for (const [stationId, count] of inc) {
      const row = rows.get(childOf(stationId)?.id ?? '');
      if (row) row.incidents += count;
    }
  }
  for (const p of people) {
    const row = rows.get(childOf(p.unitId)?.id ?? '');
    if (!row) continue;
    row.assignments += p.assigned;
    row.acknowledgedOnTime += p.acknowledgedOnTime;
    row.completedOnTime += p.completedOnTime;
    row.overdue += p.overdue;
  }
  for (const g of grids) {
    const row = rows.get(childOf(g.unit_id)?.id ?? '');
    if (!row) continue;
    row.messages += grouped.perGroup.get(g.id) ?? 0;
    row.openMatters += grouped.openPerGroup.get(g.id) ?? 0;
  }
  return [...rows.values()];
}
