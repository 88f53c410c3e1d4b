import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';

/**
 * Named reads of command orders (`orders`, `order_recipients`) for the other modules: reports
 * count them, incidents list theirs. Only the order module writes these tables.
 */

/** A period [start, end) in epoch ms. */
type Span = { start: number; end: number };

/** Past this many order ids a literal list gives way to a subquery. */
const MAX_ID_LIST = 5000;

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

/** The orders linked to these incidents, as incident id → order ids. */
export async function ordersOfIncidents(db: Kysely<Database>, incidentIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (incidentIds.length === 0) return out;
  const rows = await db
    .selectFrom('orders')
    .select(['id', 'incident_id'])
    .where('incident_id', 'in', incidentIds)
    .execute();
  for (const r of rows) if (r.incident_id) out.set(r.incident_id, [...(out.get(r.incident_id) ?? []), r.id]);
  return out;
}

/** Active orders issued in the period into these scopes. */
export async function issuedCount(db: Kysely<Database>, scopeUnitIds: string[], p: Span): Promise<number> {
  const row = await db
    .selectFrom('orders')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('scope_unit_id', 'in', scopeUnitIds)
    .where('status', '=', 'active')
    .where('created_at', '>=', p.start)
    .where('created_at', '<', p.end)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Whether any order into these scopes was issued before `t` (an index range probe, not a scan). */
export async function hasOrdersBefore(db: Kysely<Database>, scopeUnitIds: string[], t: number): Promise<boolean> {
  const row = await db
    .selectFrom('orders')
    .select('id')
    .where('scope_unit_id', 'in', scopeUnitIds)
    .where('created_at', '<', t)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Assignments of the period's active orders into these scopes, and how far they had got by its end. */
export function assignmentTotals(db: Kysely<Database>, scopeUnitIds: string[], p: Span) {
  const s = stateSums(p.end);
  return db
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
    .where('o.scope_unit_id', 'in', scopeUnitIds)
    .where('o.status', '=', 'active')
    .where('o.created_at', '>=', p.start)
    .where('o.created_at', '<', p.end)
    .executeTakeFirstOrThrow();
}

/**
 * Assignments late at `end` (not acknowledged or not completed by their deadline, and not handed
 * back), of active orders into these scopes issued in [since, end), with who and where, oldest first.
 */
export function lateAssignments(db: Kysely<Database>, scopeUnitIds: string[], since: number, end: number) {
  return db
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
    .where('o.scope_unit_id', 'in', scopeUnitIds)
    .where('o.status', '=', 'active')
    .where('o.created_at', '>=', since)
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
}

/**
 * Per person of a unit subtree, what became of their assignments of the period's active orders
 * (at most `limit` people, by name).
 */
export async function personAssignmentFigures(db: Kysely<Database>, path: string, p: Span, limit: number) {
  // Start from the period's orders (orders_time_idx), not from each person's whole history.
  const periodOrders = (
    await db
      .selectFrom('orders')
      .select('id')
      .where('status', '=', 'active')
      .where('created_at', '>=', p.start)
      .where('created_at', '<', p.end)
      .execute()
  ).map((o) => o.id);
  if (periodOrders.length === 0) return [];
  const s = stateSums(p.end);
  return (
    db
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
      .where('un.path', 'like', `${path}%`)
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
                .where('created_at', '>=', p.start)
                .where('created_at', '<', p.end),
      )
      .groupBy(['r.user_id', 'u.name', 'u.unit_id', 'un.name'])
      .orderBy('u.name')
      .limit(limit)
      .execute()
  );
}
