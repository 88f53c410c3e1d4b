import { sql, type Kysely } from 'kysely';
import type { BoardView, RecipientState } from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import type { OrderActivity } from './order-activity.ts';

/** Names of those still to acknowledge on a board: enough to chase by name, not the whole list. */
const BOARD_PENDING_NAMES = 50;
/** Returns (退回) shown on a board with their reasons. */
const BOARD_RETURNS = 50;
/** Boards read together at most: the id lists stay well inside both stores' bound on parameters. */
const BOARDS_PER_READ = 200;
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

const emptyBoard = (orderId: string): BoardView => ({
  orderId,
  counts: { total: 0, delivered: 0, read: 0, acknowledged: 0, completed: 0, returned: 0, overdue: 0 },
  pending: [],
  forwarded: { total: 0, acknowledged: 0, completed: 0 },
  returns: [],
  latest: null,
});

/** Appends `value` to the list under `key`. */
function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * The closed loop of orders (the dispatcher's board cards), with their forwarded sub-assignments
 * rolled up. A set of boards is read with one query per kind of row for the whole set (states,
 * names still pending, sub-order states, returns, 改派, latest activity), never a query per order;
 * counts are summed in the store, so a board of 10,000 recipients reads a few rows, not 10,000.
 */
export function createOrderBoards(db: Kysely<Database>, now: () => number, activity: OrderActivity) {
  /**
   * The first `limit` recipients per order in `states`, by `order`: a window over the set's rows
   * (row_number per order), so the bound holds per board in one query.
   */
  const firstPerOrder = (orderIds: string[], states: RecipientState[], order: 'name' | 'returned', limit: number) =>
    db
      .selectFrom((eb) =>
        eb
          .selectFrom('order_recipients as r')
          .innerJoin('users as u', 'u.id', 'r.user_id')
          .select([
            'r.order_id',
            'r.user_id',
            'u.name',
            'r.state',
            'r.feedback',
            'r.returned_at',
            (order === 'name'
              ? sql<number>`row_number() over (partition by r.order_id order by u.name, r.user_id)`
              : sql<number>`row_number() over (partition by r.order_id order by r.returned_at, r.user_id)`
            ).as('n'),
          ])
          .where('r.order_id', 'in', orderIds)
          .where('r.state', 'in', states)
          .as('ranked'),
      )
      .selectAll()
      .where('n', '<=', limit)
      .orderBy('order_id')
      .orderBy('n')
      .execute();

  /** The boards of these orders (a page of a list, the boards a screen watches), by order id. */
  async function boards(orderIds: string[]): Promise<Map<string, BoardView>> {
    if (orderIds.length <= BOARDS_PER_READ) return readBoards(orderIds);
    const out = new Map<string, BoardView>();
    for (let i = 0; i < orderIds.length; i += BOARDS_PER_READ)
      for (const [id, b] of await readBoards(orderIds.slice(i, i + BOARDS_PER_READ))) out.set(id, b);
    return out;
  }

  async function readBoards(orderIds: string[]): Promise<Map<string, BoardView>> {
    const out = new Map(orderIds.map((id) => [id, emptyBoard(id)]));
    if (orderIds.length === 0) return out;
    const t = now();
    const [orders, states, pending, subStates, returns, reassigned, latest] = await Promise.all([
      db
        .selectFrom('orders')
        .select(['id', 'ack_due_at', 'complete_due_at', 'status'])
        .where('id', 'in', orderIds)
        .execute(),
      db
        .selectFrom('order_recipients')
        .select(['order_id', 'state', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('order_id', 'in', orderIds)
        .groupBy(['order_id', 'state'])
        .execute(),
      firstPerOrder(orderIds, NOT_YET_ACKNOWLEDGED, 'name', BOARD_PENDING_NAMES),
      db
        .selectFrom('order_recipients as r')
        .innerJoin('orders as sub', 'sub.id', 'r.order_id')
        .select(['sub.parent_order_id', 'r.state', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('sub.parent_order_id', 'in', orderIds)
        .groupBy(['sub.parent_order_id', 'r.state'])
        .execute(),
      firstPerOrder(orderIds, ['returned'], 'returned', BOARD_RETURNS),
      db
        .selectFrom('order_events')
        .select(['order_id', 'subject_id', 'text'])
        .where('order_id', 'in', orderIds)
        .where('kind', '=', 'reassigned')
        .orderBy('id')
        .execute(),
      activity.latest(orderIds),
    ]);
    const orderOf = new Map(orders.map((o) => [o.id, o]));
    for (const { order_id, state, n } of states) {
      const o = orderOf.get(order_id);
      const { counts } = out.get(order_id)!;
      const count = Number(n);
      counts.total += count;
      for (const k of REACHED[state]) counts[k] += count;
      if (o && isOverdue({ state, ...o }, t)) counts.overdue += count;
    }
    for (const r of pending) out.get(r.order_id)!.pending.push({ userId: r.user_id, name: r.name, state: r.state });
    for (const { parent_order_id, state, n } of subStates) {
      const { forwarded } = out.get(parent_order_id!)!;
      const count = Number(n);
      forwarded.total += count;
      if (state === 'acknowledged' || state === 'completed') forwarded.acknowledged += count;
      if (state === 'completed') forwarded.completed += count;
    }
    // Whom each returned share went to instead (改派); a later re-dispatch of the same share wins.
    const reassignedTo = new Map<string, Map<string | null, string | null>>();
    for (const e of reassigned) {
      if (!reassignedTo.has(e.order_id)) reassignedTo.set(e.order_id, new Map());
      reassignedTo.get(e.order_id)!.set(e.subject_id, e.text);
    }
    const returnsOf = new Map<string, BoardView['returns']>();
    for (const r of returns)
      push(returnsOf, r.order_id, {
        userId: r.user_id,
        name: r.name,
        reason: r.feedback,
        at: r.returned_at ?? 0,
        reassignedTo: reassignedTo.get(r.order_id)?.get(r.user_id) ?? null,
      });
    for (const [id, board] of out) {
      board.returns = returnsOf.get(id) ?? [];
      board.latest = latest.get(id) ?? null;
    }
    return out;
  }

  /** One order's board (the same reads as a set of one). */
  async function board(orderId: string): Promise<BoardView> {
    return (await boards([orderId])).get(orderId)!;
  }

  return { boards, board };
}

/** Late: not acknowledged by the acknowledgement deadline, or not completed by the completion deadline. */
function isOverdue(
  r: { state: RecipientState; ack_due_at: number; complete_due_at: number; status: string },
  t: number,
): boolean {
  if (r.status !== 'active' || r.state === 'completed' || r.state === 'returned') return false;
  if (r.state !== 'acknowledged' && t > r.ack_due_at) return true;
  return t > r.complete_due_at;
}
