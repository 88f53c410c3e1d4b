import { sql, type Kysely } from 'kysely';
import { incidentIdsByNumber } from '../incidents/incident-queries.ts';
import {
  isOrderFinished,
  type BoardView,
  type OrderSearchPayload,
  type OrderView,
  type RecipientState,
} from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import type { OrderViews } from './order-views.ts';

/** States of someone still working on their share. */
const OPEN: RecipientState[] = ['pending', 'delivered', 'read', 'acknowledged'];
/** Most incidents an incident-number term may stand for. */
const MAX_INCIDENT_MATCHES = 500;
/** Most people a name term may stand for. */
const MAX_PEOPLE_MATCHES = 200;

/**
 * Ids of orders still under way, in SQL: someone still works on their share, or everyone handed
 * it back (it waits for 改派). Read from the recipients' state index, so it visits the few open
 * rows, not every finished order.
 */
const UNDER_WAY = sql`(
  select fr.order_id from order_recipients fr where fr.state in (${sql.join(OPEN)})
  union
  select fr.order_id from order_recipients fr where fr.state = ${'returned'}
    and not exists (select 1 from order_recipients fc where fc.order_id = fr.order_id and fc.state = ${'completed'}))`;
/** The rule of `isOrderFinished` (protocol) for the row `orders`: active is under way and not cancelled. */
const ACTIVE = sql<boolean>`(orders.status = 'active' and orders.id in ${UNDER_WAY})`;
const FINISHED = sql<boolean>`(orders.status = 'cancelled' or orders.id not in ${UNDER_WAY})`;

/** A LIKE pattern that finds `term` anywhere, its wildcards taken literally (with `escape '\'`). */
const containing = (term: string) => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
const like = (column: string, pattern: string) =>
  sql<boolean>`lower(${sql.ref(column)}) like lower(${pattern}) escape '\\'`;

/** Whether this order is finished now (and so read-only): the protocol's rule over its recipients' states. */
export async function orderFinished(db: Kysely<Database>, orderId: string): Promise<boolean> {
  const [order, states] = await Promise.all([
    db.selectFrom('orders').select('status').where('id', '=', orderId).executeTakeFirst(),
    db
      .selectFrom('order_recipients')
      .select(['state', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('order_id', '=', orderId)
      .groupBy('state')
      .execute(),
  ]);
  if (!order) return false;
  const count = (s: RecipientState) => Number(states.find((r) => r.state === s)?.n ?? 0);
  const total = states.reduce((sum, r) => sum + Number(r.n), 0);
  return isOrderFinished(order.status, { total, completed: count('completed'), returned: count('returned') });
}

/**
 * Top-level orders of a command scope (a unit path and everything below), active or finished,
 * matching the filters, newest first: `limit` of them after the order `before`, with their boards.
 */
export async function searchOrders(
  db: Kysely<Database>,
  views: OrderViews,
  scopePath: string,
  p: OrderSearchPayload,
  limit: number,
): Promise<{ orders: { order: OrderView; board: BoardView }[]; more: boolean }> {
  let incidentIds: string[] | undefined;
  if (p.incident) {
    incidentIds = await incidentIdsByNumber(db, containing(p.incident), MAX_INCIDENT_MATCHES);
    if (incidentIds.length === 0) return { orders: [], more: false };
  }
  let people: string[] | undefined;
  if (p.person) {
    // The people first (a few), then their orders through the recipients' user index: matching
    // names order by order would read every recipient of every order in the scope.
    const rows = await db
      .selectFrom('users')
      .select('id')
      .where(like('name', containing(p.person)))
      .limit(MAX_PEOPLE_MATCHES)
      .execute();
    people = rows.map((r) => r.id);
    if (people.length === 0) return { orders: [], more: false };
  }
  const text = p.text && containing(p.text);
  const rows = await views
    .orderSelect()
    .innerJoin('units as scope', 'scope.id', 'orders.scope_unit_id')
    .where('scope.path', 'like', `${scopePath}%`)
    .where('orders.parent_order_id', 'is', null)
    .where(p.state === 'finished' ? FINISHED : ACTIVE)
    .$if(text !== undefined, (q) => q.where((eb) => eb.or([like('orders.title', text!), like('orders.body', text!)])))
    .$if(incidentIds !== undefined, (q) => q.where('orders.incident_id', 'in', incidentIds!))
    .$if(people !== undefined, (q) =>
      q.where((eb) =>
        eb.or([
          eb('orders.issuer_id', 'in', people!),
          eb(
            'orders.id',
            'in',
            eb.selectFrom('order_recipients as pr').select('pr.order_id').where('pr.user_id', 'in', people!),
          ),
        ]),
      ),
    )
    .$if(p.from !== undefined, (q) => q.where('orders.created_at', '>=', p.from!))
    .$if(p.to !== undefined, (q) => q.where('orders.created_at', '<', p.to!))
    .$if(p.before !== undefined, (q) => q.where('orders.id', '<', p.before!))
    .orderBy('orders.id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const boards = await views.boards(page.map((r) => r.id));
  return {
    orders: page.map((r) => ({ order: views.toOrderView(r), board: boards.get(r.id)! })),
    more: rows.length > limit,
  };
}
