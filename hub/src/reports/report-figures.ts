import { sql, type Kysely } from 'kysely';
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
const MAX_ID_LIST = 5000;

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
const inPeriod = (p: Period) => (col: string) =>
  sql<boolean>`${sql.ref(col)} >= ${p.start} and ${sql.ref(col)} < ${p.end}`;

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
  const units = await db
    .selectFrom('units')
    .select(['id', 'parent_id', 'kind', 'name', 'path'])
    .where('path', 'like', `${scope.unit.path}%`)
    .execute();
  const unitIds = units.map((u) => u.id);
  const stationIds = units.filter((u) => u.kind === 'station').map((u) => u.id);
  const grids = unitIds.length
    ? await db
        .selectFrom('groups')
        .select(['id', 'name', 'unit_id'])
        .where('kind', '=', 'grid')
        .where('unit_id', 'in', unitIds)
        .execute()
    : [];
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
  const openDisputes = gridIds.length
    ? await db
        .selectFrom('matters as m')
        .innerJoin('groups as g', 'g.id', 'm.group_id')
        .select(['m.title', 'm.created_at', 'g.name'])
        .where('m.group_id', 'in', gridIds)
        .where('m.category', '=', 'dispute')
        .where('m.status', 'in', ['open', 'in_progress'])
        .where('m.created_at', '<', period.end - 3 * DAY)
        .orderBy('m.created_at')
        .limit(3)
        .execute()
    : [];
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
  const counts = async (p: Period) => {
    const rows = await db
      .selectFrom('incidents')
      .select(['category', (eb) => eb.fn.countAll<number>().as('n')])
      .where('station_id', 'in', stationIds)
      .where(inPeriod(p)('reported_at'))
      .groupBy('category')
      .execute();
    return new Map(rows.map((r) => [r.category, n(r.n)]));
  };
  // Records reach back into a comparison period when one exists before its end (an index range probe, not a scan).
  const hasData = async (p: Period) =>
    (await db
      .selectFrom('incidents')
      .select('id')
      .where('station_id', 'in', stationIds)
      .where('reported_at', '<', p.end)
      .limit(1)
      .executeTakeFirst()) !== undefined;
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
  // The period's rows (a few thousand at most for a month), bucketed by local date here: the same on either dialect.
  const rows = await db
    .selectFrom('incidents')
    .select(['reported_at', 'category'])
    .where('station_id', 'in', stationIds)
    .where(inPeriod(period)('reported_at'))
    .execute();
  const daily = dailySeries(
    rows.map((r) => ({ at: n(r.reported_at), category: r.category })),
    period,
    timeZone,
    categories.filter((c) => (cur.get(c) ?? 0) > 0),
  );
  const notable = await db
    .selectFrom('incidents')
    .select(['id', 'number', 'category', 'place', 'summary', 'status', 'reported_at'])
    .where('station_id', 'in', stationIds)
    .where(inPeriod(period)('reported_at'))
    .where((eb) => eb.or([eb('category', '=', 'criminal'), eb('status', '!=', 'closed')]))
    .orderBy(sql`case when category = 'criminal' then 0 else 1 end`)
    .orderBy('reported_at')
    .limit(NOTABLE_LIMIT)
    .execute();
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

/** Recipient states at the period's end, as SQL sums over order_recipients r joined to orders o. */
function stateSums(end: number) {
  const acked = sql`r.acknowledged_at is not null and r.acknowledged_at < ${end}`;
  const read = sql`(r.read_at is not null and r.read_at < ${end}) or (${acked}) or (r.completed_at is not null and r.completed_at < ${end})`;
  const delivered = sql`(r.delivered_at is not null and r.delivered_at < ${end}) or (${read})`;
  const completed = sql`r.completed_at is not null and r.completed_at < ${end}`;
  const ackLate = sql`r.returned_at is null and o.ack_due_at < ${end} and not (${acked})`;
  const completeLate = sql`r.returned_at is null and o.complete_due_at < ${end} and not (${completed})`;
  return {
    delivered: sql<number>`sum(case when ${delivered} then 1 else 0 end)`.as('delivered'),
    read: sql<number>`sum(case when ${read} then 1 else 0 end)`.as('read'),
    acknowledged: sql<number>`sum(case when ${acked} then 1 else 0 end)`.as('acknowledged'),
    acknowledgedOnTime: sql<number>`sum(case when ${acked} and r.acknowledged_at <= o.ack_due_at then 1 else 0 end)`.as(
      'acknowledged_on_time',
    ),
    completed: sql<number>`sum(case when ${completed} then 1 else 0 end)`.as('completed'),
    completedOnTime:
      sql<number>`sum(case when ${completed} and r.completed_at <= o.complete_due_at then 1 else 0 end)`.as(
        'completed_on_time',
      ),
    overdue: sql<number>`sum(case when (${ackLate}) or (${completeLate}) then 1 else 0 end)`.as('overdue'),
  };
}

async function orderFigures(
  db: Kysely<Database>,
  scope: FigureScope,
  unitIds: string[],
): Promise<Omit<OrderFigures, 'people'> & { people: (PersonOrderFigures & { unitId: string })[] }> {
  const { period, previous, lastYear } = scope;
  const issued = async (p: Period) =>
    n(
      (
        await db
          .selectFrom('orders')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('scope_unit_id', 'in', unitIds)
          .where('status', '=', 'active')
          .where(inPeriod(p)('created_at'))
          .executeTakeFirst()
      )?.n,
    );
  const hasData = async (p: Period) =>
    (await db
      .selectFrom('orders')
      .select('id')
      .where('scope_unit_id', 'in', unitIds)
      .where('created_at', '<', p.end)
      .limit(1)
      .executeTakeFirst()) !== undefined;
  const s = stateSums(period.end);
  const [cur, prev, ly, totals] = await Promise.all([
    issued(period),
    (await hasData(previous)) ? issued(previous) : null,
    (await hasData(lastYear)) ? issued(lastYear) : null,
    db
      .selectFrom('order_recipients as r')
      .innerJoin('orders as o', 'o.id', 'r.order_id')
      .select([
        (eb) => eb.fn.countAll<number>().as('assignments'),
        s.delivered,
        s.read,
        s.acknowledged,
        s.acknowledgedOnTime,
        s.completed,
        s.completedOnTime,
      ])
      .where('o.scope_unit_id', 'in', unitIds)
      .where('o.status', '=', 'active')
      .where(inPeriod(period)('o.created_at'))
      .executeTakeFirstOrThrow(),
  ]);
  const lookback = Math.max(OVERDUE_LOOKBACK_MS, period.end - period.start);
  const end = period.end;
  const late = await db
    .selectFrom('order_recipients as r')
    .innerJoin('orders as o', 'o.id', 'r.order_id')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .innerJoin('units as un', 'un.id', 'u.unit_id')
    .select([
      'o.id as order_id',
      'o.title',
      'o.ack_due_at',
      'o.complete_due_at',
      'r.user_id',
      'u.name',
      'un.name as unit_name',
      'r.acknowledged_at',
    ])
    .where('o.scope_unit_id', 'in', unitIds)
    .where('o.status', '=', 'active')
    .where('o.created_at', '>=', end - lookback)
    .where('o.created_at', '<', end)
    .where('r.returned_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb.and([
          eb('o.ack_due_at', '<', end),
          eb.or([eb('r.acknowledged_at', 'is', null), eb('r.acknowledged_at', '>=', end)]),
        ]),
        eb.and([
          eb('o.complete_due_at', '<', end),
          eb.or([eb('r.completed_at', 'is', null), eb('r.completed_at', '>=', end)]),
        ]),
      ]),
    )
    .orderBy('o.created_at')
    .execute();
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
  // Start from the period's orders (orders_time_idx), not from each person's whole history.
  const periodOrders = (
    await db
      .selectFrom('orders')
      .select('id')
      .where('status', '=', 'active')
      .where(inPeriod(period)('created_at'))
      .execute()
  ).map((o) => o.id);
  const peopleRows =
    periodOrders.length === 0
      ? []
      : await db
          .selectFrom('order_recipients as r')
          .innerJoin('orders as o', 'o.id', 'r.order_id')
          .innerJoin('users as u', 'u.id', 'r.user_id')
          .innerJoin('units as un', 'un.id', 'u.unit_id')
          .select([
            'r.user_id',
            'u.name',
            'u.unit_id',
            'un.name as unit_name',
            (eb) => eb.fn.countAll<number>().as('assigned'),
            s.acknowledged,
            s.acknowledgedOnTime,
            s.completed,
            s.completedOnTime,
            s.overdue,
          ])
          .where('un.path', 'like', `${scope.unit.path}%`)
          // A literal id list plans well on any statistics; past a few thousand ids, the subquery.
          .where(
            'r.order_id',
            'in',
            periodOrders.length <= MAX_ID_LIST
              ? periodOrders
              : (eb) =>
                  eb
                    .selectFrom('orders')
                    .select('id')
                    .where('status', '=', 'active')
                    .where(inPeriod(period)('created_at')),
          )
          .groupBy(['r.user_id', 'u.name', 'u.unit_id', 'un.name'])
          .orderBy('u.name')
          .limit(PEOPLE_LIMIT)
          .execute();
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
  const perGroupOf = async (p: Period) =>
    new Map(
      (
        await db
          .selectFrom('messages')
          .select(['group_id', (eb) => eb.fn.countAll<number>().as('n')])
          .where('group_id', 'in', gridIds)
          .where(inPeriod(p)('created_at'))
          .groupBy('group_id')
          .execute()
      ).map((r) => [r.group_id, n(r.n)]),
    );
  const hasPrevious =
    (await db
      .selectFrom('messages')
      .select('id')
      .where('group_id', 'in', gridIds)
      .where('created_at', '<', previous.end)
      .limit(1)
      .executeTakeFirst()) !== undefined;
  const [perGroup, prev, matters, open] = await Promise.all([
    perGroupOf(period),
    hasPrevious ? perGroupOf(previous) : null,
    db
      .selectFrom('matters')
      .select([
        (eb) => eb.fn.countAll<number>().as('total'),
        sql<number>`sum(case when category = 'dispute' then 1 else 0 end)`.as('disputes'),
      ])
      .where('group_id', 'in', gridIds)
      .where(inPeriod(period)('created_at'))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('matters')
      .select(['group_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('group_id', 'in', gridIds)
      .where('created_at', '<', period.end)
      .where('status', 'in', ['open', 'in_progress'])
      .groupBy('group_id')
      .execute(),
  ]);
  const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const names = new Map(grids.map((g) => [g.id, g.name]));
  const busiest = [...perGroup.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, BUSIEST)
    .map(([groupId, messages]) => ({ groupId, name: names.get(groupId) ?? '', messages }));
  const openPerGroup = new Map(open.map((r) => [r.group_id, n(r.n)]));
  return {
    messages: trend(total(perGroup), prev ? total(prev) : null, null),
    activeGroups: perGroup.size,
    openMatters: total(openPerGroup),
    newMatters: n(matters.total),
    newDisputes: n(matters.disputes),
    topics: [],
    busiest,
    perGroup,
    openPerGroup,
  };
}

async function dutyFigures(db: Kysely<Database>, path: string): Promise<ReportFigures['onDuty']> {
  const rows = await db
    .selectFrom('duty_status as d')
    .innerJoin('users as u', 'u.id', 'd.user_id')
    .innerJoin('units as un', 'un.id', 'u.unit_id')
    .select(['u.id', 'u.name', 'u.role', 'un.name as unit_name'])
    .where('d.on_duty', '=', 1)
    .where('u.disabled_at', 'is', null)
    .where('u.role', 'in', [...STAFF_ROLES])
    .where('un.path', 'like', `${path}%`)
    .orderBy('un.sort')
    .orderBy('u.name')
    .limit(ON_DUTY_LIMIT)
    .execute();
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
    const inc = await db
      .selectFrom('incidents')
      .select(['station_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('station_id', 'in', stationIds)
      .where(inPeriod(scope.period)('reported_at'))
      .groupBy('station_id')
      .execute();
    for (const r of inc) {
      const row = rows.get(childOf(r.station_id)?.id ?? '');
      if (row) row.incidents += n(r.n);
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
