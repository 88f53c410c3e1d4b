import type { Kysely } from 'kysely';
import type { Actor } from '../auth/permissions.ts';
import { can } from '../auth/permissions.ts';
import { errors } from '../errors.ts';
import { newId } from '../ids.ts';
import type { ChasePhase, OrderView } from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import { dispatchScope } from '../org/dispatch-scope.ts';
import type { Audience } from './order-targets.ts';
import type { OrderViews } from './order-views.ts';
import type { ReceiptBatcher } from './receipt-batcher.ts';

/** Rows per INSERT of order events: well inside both stores' bound on parameters (8 a row). */
const EVENTS_PER_INSERT = 500;

/** Someone's assignment moved; `origin` is the opaque id of the connection that moved it, if any. */
export interface AssignmentChange {
  userId: string;
  origin?: string | undefined;
}

/** What the service tells the transport after a write has been persisted. It never emits itself. */
export interface OrderNotifier {
  /** New assignments, all at `rev`: everyone in the audience has a new order. */
  assigned(order: OrderView, rev: number, audience: Audience): void;
  /** The order changed (amended, cancelled) for these recipients. */
  orderChanged(orderId: string, userIds: string[]): void;
  /** These people's assignments of one order moved: their other devices follow (not `origin`, where the change was made). */
  assignmentsChanged(orderId: string, changes: AssignmentChange[]): void;
  /** A new order in a command scope: the dispatchers whose scope holds it see it appear. */
  issued(order: OrderView, scopeUnitId: string): void;
  /** The board of this order has changed; the transport coalesces. */
  boardChanged(orderId: string): void;
  /** Chase (催办) these recipients: by hand, or the sweep's reminder at a deadline. */
  reminded(orderId: string, userIds: string[], phase: ChasePhase, manual: boolean): void;
  /** A recipient stayed late past every reminder: tell their station head and the issuer (通报). */
  escalated(orderId: string, subjectId: string, toUserIds: string[], phase: ChasePhase): void;
}

export interface OrderDeps {
  db: Kysely<Database>;
  views: OrderViews;
  batcher: ReceiptBatcher;
  notify: OrderNotifier;
  now?: () => number;
}

/**
 * What the order services share: who may manage an order or act on an assignment, and the event
 * log every change writes to.
 */
export function createOrderContext(deps: OrderDeps) {
  const { db, views, notify, batcher } = deps;
  const now = deps.now ?? Date.now;

  async function requireScope(actor: Actor) {
    if (!can.issueOrders(actor)) throw errors.forbidden('only the command room and station heads issue orders');
    const scope = await dispatchScope(db, actor.unitId);
    if (!scope) throw errors.forbidden('you have no command scope');
    return scope;
  }

  /**
   * The rows of these orders that `actor` may manage (issuer, or a dispatcher whose scope holds
   * them), by id; the others are left out without saying why. One read for any number of ids.
   * `scopeId`: the caller's command scope when the caller knows it (a socket's dispatch room;
   * null: none), so it is not read again.
   */
  async function managedOrders(actor: Actor, orderIds: string[], scopeId?: string | null) {
    const orders = orderIds.length
      ? await db
          .selectFrom('orders')
          .innerJoin('units', 'units.id', 'orders.scope_unit_id')
          .select([
            'orders.id',
            'orders.issuer_id',
            'orders.status',
            'orders.ack_due_at',
            'orders.complete_due_at',
            'units.path as scope_path',
          ])
          .where('orders.id', 'in', orderIds)
          .execute()
      : [];
    const scope =
      scopeId !== undefined || !orders.length || !can.issueOrders(actor)
        ? scopeId
        : (await dispatchScope(db, actor.unitId))?.id;
    // A path lists the ids from the root down: the scope holds the orders whose scope path passes through it.
    const holds = (o: (typeof orders)[number]) => !!scope && o.scope_path.includes(`/${scope}/`);
    return new Map(
      orders.filter((o) => can.manageOrder(actor, { issuerId: o.issuer_id }, holds(o))).map((o) => [o.id, o]),
    );
  }

  /** The order row if `actor` may manage it; not_found when there is none or it is not theirs. */
  async function managedOrder(actor: Actor, orderId: string) {
    const order = (await managedOrders(actor, [orderId])).get(orderId);
    if (!order) throw errors.notFound('order');
    return order;
  }

  async function assignment(actor: Actor, orderId: string) {
    const row = await db
      .selectFrom('order_recipients as r')
      .innerJoin('orders as o', 'o.id', 'r.order_id')
      .select(['r.state', 'o.status', 'o.issuer_id'])
      .where('r.order_id', '=', orderId)
      .where('r.user_id', '=', actor.id)
      .executeTakeFirst();
    // Only the caller's own row is looked up, so someone else's assignment and none at all look
    // the same: guessed ids reveal nothing.
    if (!row) throw errors.notFound('assignment');
    return row;
  }

  async function recipientsOf(orderId: string): Promise<string[]> {
    return (await db.selectFrom('order_recipients').select('user_id').where('order_id', '=', orderId).execute()).map(
      (r) => r.user_id,
    );
  }
  /** One entry of an order's history (order_events); `at` is when it happened. */
  type OrderEvent = {
    orderId: string;
    actorId: string | null;
    subjectId?: string | null;
    kind: string;
    clientId?: string | null;
    text?: string | null;
    at: number;
  };
  const eventRow = (e: OrderEvent) => ({
    id: newId(),
    order_id: e.orderId,
    at: e.at,
    actor_id: e.actorId,
    subject_id: e.subjectId ?? null,
    kind: e.kind,
    client_id: e.clientId ?? null,
    text: e.text ?? null,
  });
  async function writeEvent(exec: Kysely<Database>, e: OrderEvent) {
    await exec.insertInto('order_events').values(eventRow(e)).execute();
  }
  /** Many entries at once (a 全部催办 of thousands): a few hundred rows per INSERT rather than one each. */
  async function writeEvents(exec: Kysely<Database>, events: OrderEvent[]) {
    for (let i = 0; i < events.length; i += EVENTS_PER_INSERT)
      await exec
        .insertInto('order_events')
        .values(events.slice(i, i + EVENTS_PER_INSERT).map(eventRow))
        .execute();
  }

  return {
    db,
    views,
    notify,
    batcher,
    now,
    requireScope,
    managedOrders,
    managedOrder,
    assignment,
    recipientsOf,
    writeEvent,
    writeEvents,
  };
}
export type OrderContext = ReturnType<typeof createOrderContext>;
