import type { Kysely, Selectable } from 'kysely';
import type { AssignmentView, BoardView, OrderView, ProgressBatch, RecipientState } from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import { createOrderActivity } from './order-activity.ts';

/** Names of those still to acknowledge on a board: enough to chase by name, not the whole list. */
const BOARD_PENDING_NAMES = 50;
/** Returns (退回) shown on a board with their reasons. */
const BOARD_RETURNS = 50;
const NOT_YET_ACKNOWLEDGED: RecipientState[] = ['pending', 'delivered', 'read'];
type BoardCount = Exclude<keyof BoardView['counts'], 'total' | 'overdue'>;
/** The counts a recipient in each state adds to: a later state has passed through the earlier ones. */
const REACHED: Record<RecipientState, BoardCount[]> = {
  pending: [],
  delivered: ['delivered'],
  read: ['delivered', 'read'],
  acknowledged: ['delivered', 'read', 'acknowledged'],
  completed: ['delivered', 'read', 'acknowledged', 'completed'],
  returned: ['delivered', 'read', 'returned'],
};

/** A recipient row's columns that make their assignment (with its order). */
const ASSIGNMENT_COLUMNS = [
  'state',
  'delivered_at',
  'read_at',
  'acknowledged_at',
  'completed_at',
  'feedback',
  'rev',
] as const;
type AssignmentRow = Pick<Selectable<Database['order_recipients']>, (typeof ASSIGNMENT_COLUMNS)[number]>;

const assignmentOf = (r: AssignmentRow): Omit<AssignmentView, 'order'> => ({
  state: r.state,
  deliveredAt: r.delivered_at,
  readAt: r.read_at,
  acknowledgedAt: r.acknowledged_at,
  completedAt: r.completed_at,
  feedback: r.feedback,
  rev: r.rev,
});

/** Reads that turn order rows into what clients see. */
export function createOrderViews(db: Kysely<Database>, now: () => number) {
  const activity = createOrderActivity(db);
  const orderSelect = () =>
    db
      .selectFrom('orders')
      .innerJoin('users as issuer', 'issuer.id', 'orders.issuer_id')
      .innerJoin('units as issuer_unit', 'issuer_unit.id', 'issuer.unit_id')
      .select([
        'orders.id',
        'orders.title',
        'orders.body',
        'orders.priority',
        'orders.status',
        'orders.incident_id',
        'orders.ack_due_at',
        'orders.complete_due_at',
        'orders.created_at',
        'orders.updated_at',
        'orders.cancel_reason',
        'orders.parent_order_id',
        'issuer.id as issuer_id',
        'issuer.name as issuer_name',
        'issuer_unit.name as issuer_unit_name',
      ]);
  type OrderRow = Awaited<ReturnType<ReturnType<typeof orderSelect>['executeTakeFirstOrThrow']>>;

  const toOrderView = (r: OrderRow): OrderView => ({
    id: r.id,
    title: r.title,
    body: r.body,
    priority: r.priority,
    status: r.status,
    issuer: { id: r.issuer_id, name: r.issuer_name, unitName: r.issuer_unit_name },
    incidentId: r.incident_id,
    parentOrderId: r.parent_order_id,
    ackDueAt: r.ack_due_at,
    completeDueAt: r.complete_due_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    cancelReason: r.cancel_reason,
  });

  async function order(id: string): Promise<OrderView | undefined> {
    const r = await orderSelect().where('orders.id', '=', id).executeTakeFirst();
    return r && toOrderView(r);
  }

  /**
   * A person's assignments changed after `since` (by rev), oldest first. The cursor is a rev, so a
   * page ends on a whole rev: its last rev is left to the next page, or, when the page holds
   * nothing else, read whole — a rev is one write (one batch of receipts, one order), so it
   * touches one person's rows a bounded number of times. Nothing above `upTo` is read (the
   * revision horizon, order-revs.ts).
   */
  async function assignmentsSince(
    userId: string,
    since: number,
    upTo: number,
    limit = 500,
  ): Promise<{ assignments: AssignmentView[]; cursor: number; more: boolean }> {
    const changed = () =>
      db
        .selectFrom('order_recipients as r')
        .select(['r.order_id', ...ASSIGNMENT_COLUMNS.map((c) => `r.${c}` as const)])
        .where('r.user_id', '=', userId)
        .where('r.rev', '<=', upTo)
        .orderBy('r.rev')
        .orderBy('r.order_id');
    const rows = await changed()
      .where('r.rev', '>', since)
      .limit(limit + 1)
      .execute();
    const more = rows.length > limit;
    let page = rows.slice(0, limit);
    if (more) {
      const lastRev = page.at(-1)!.rev;
      const whole = page.filter((r) => r.rev !== lastRev);
      page = whole.length > 0 ? whole : await changed().where('r.rev', '=', lastRev).execute();
    }
    const orders = page.length
      ? await orderSelect()
          .where(
            'orders.id',
            'in',
            page.map((r) => r.order_id),
          )
          .execute()
      : [];
    const byId = new Map(orders.map((o) => [o.id, toOrderView(o)]));
    return {
      assignments: page.map((r) => ({ order: byId.get(r.order_id)!, ...assignmentOf(r) })),
      cursor: page.length ? page.at(-1)!.rev : since,
      more,
    };
  }

  /** Some people's assignments of one order as they stand now, the order once for all of them. */
  async function assignments(orderId: string, userIds: string[]): Promise<ProgressBatch | undefined> {
    const o = await order(orderId);
    if (!o || userIds.length === 0) return undefined;
    const rows = await db
      .selectFrom('order_recipients')
      .select(['user_id', ...ASSIGNMENT_COLUMNS])
      .where('order_id', '=', orderId)
      .where('user_id', 'in', userIds)
      .execute();
    return { order: o, assignments: rows.map((r) => ({ userId: r.user_id, ...assignmentOf(r) })) };
  }

  /**
   * The closed loop of one order, with its forwarded sub-assignments rolled up. Counted in the
   * store (rows per state), so a board of 10,000 recipients reads a few rows, not 10,000.
   */
  async function board(orderId: string): Promise<BoardView> {
    const t = now();
    const counts = { total: 0, delivered: 0, read: 0, acknowledged: 0, completed: 0, returned: 0, overdue: 0 };
    const forwarded = { total: 0, acknowledged: 0, completed: 0 };
    const o = await db
      .selectFrom('orders')
      .select(['ack_due_at', 'complete_due_at', 'status'])
      .where('id', '=', orderId)
      .executeTakeFirst();
    if (!o) return { orderId, counts, pending: [], forwarded, returns: [], latest: null };
    const [states, pending, subStates, returns, latest] = await Promise.all([
      db
        .selectFrom('order_recipients')
        .select(['state', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('order_id', '=', orderId)
        .groupBy('state')
        .execute(),
      db
        .selectFrom('order_recipients as r')
        .innerJoin('users as u', 'u.id', 'r.user_id')
        .select(['r.user_id as userId', 'u.name', 'r.state'])
        .where('r.order_id', '=', orderId)
        .where('r.state', 'in', NOT_YET_ACKNOWLEDGED)
        .orderBy('u.name')
        .limit(BOARD_PENDING_NAMES)
        .execute(),
      db
        .selectFrom('order_recipients as r')
        .innerJoin('orders as sub', 'sub.id', 'r.order_id')
        .select(['r.state', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('sub.parent_order_id', '=', orderId)
        .groupBy('r.state')
        .execute(),
      returnsOf(orderId),
      activity.recent(orderId, 1),
    ]);
    for (const { state, n } of states) {
      const count = Number(n);
      counts.total += count;
      for (const k of REACHED[state]) counts[k] += count;
      if (isOverdue({ state, ...o }, t)) counts.overdue += count;
    }
    for (const { state, n } of subStates) {
      const count = Number(n);
      forwarded.total += count;
      if (state === 'acknowledged' || state === 'completed') forwarded.acknowledged += count;
      if (state === 'completed') forwarded.completed += count;
    }
    return { orderId, counts, pending, forwarded, returns, latest: latest[0] ?? null };
  }

  /** Who handed the order back, why, and whom the dispatcher gave their share to instead (改派). */
  async function returnsOf(orderId: string): Promise<BoardView['returns']> {
    const [rows, reassigned] = await Promise.all([
      db
        .selectFrom('order_recipients as r')
        .innerJoin('users as u', 'u.id', 'r.user_id')
        .select(['r.user_id', 'u.name', 'r.feedback', 'r.returned_at'])
        .where('r.order_id', '=', orderId)
        .where('r.state', '=', 'returned')
        .orderBy('r.returned_at')
        .limit(BOARD_RETURNS)
        .execute(),
      db
        .selectFrom('order_events')
        .select(['subject_id', 'text'])
        .where('order_id', '=', orderId)
        .where('kind', '=', 'reassigned')
        .execute(),
    ]);
    const to = new Map(reassigned.map((e) => [e.subject_id, e.text]));
    return rows.map((r) => ({
      userId: r.user_id,
      name: r.name,
      reason: r.feedback,
      at: r.returned_at ?? 0,
      reassignedTo: to.get(r.user_id) ?? null,
    }));
  }

  return { order, assignments, assignmentsSince, board, toOrderView, orderSelect, activity };
}

/** Late: not acknowledged by the acknowledgement deadline, or not completed by the completion deadline. */
export function isOverdue(
  r: { state: RecipientState; ack_due_at: number; complete_due_at: number; status: string },
  t: number,
): boolean {
  if (r.status !== 'active' || r.state === 'completed' || r.state === 'returned') return false;
  if (r.state !== 'acknowledged' && t > r.ack_due_at) return true;
  return t > r.complete_due_at;
}
export type OrderViews = ReturnType<typeof createOrderViews>;
