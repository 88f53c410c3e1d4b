import type { Kysely, Selectable } from 'kysely';
import type { AssignmentView, OrderView, ProgressBatch } from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import { createOrderActivity } from './order-activity.ts';
import { createOrderBoards } from './order-boards.ts';

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

  const { board, boards } = createOrderBoards(db, now, activity);
  return { order, assignments, assignmentsSince, board, boards, toOrderView, orderSelect, activity };
}

export type OrderViews = ReturnType<typeof createOrderViews>;
