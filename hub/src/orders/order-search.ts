import { sql, type Kysely } from 'kysely';
import { incidentIdsByNumber } from '../incidents/incident-queries.ts';
import type { BoardView, OrderSearchPayload, OrderView, RecipientState } from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import type { OrderViews } from './order-views.ts';

/** States of someone still working on their share. */
const OPEN: RecipientState[] = ['pending', 'delivered', 'read', 'acknowledged'];
/** Most incidents an incident-number term may stand for. */
const MAX_INCIDENT_MATCHES = 500;

const exists = (state: RecipientState[]) =>
  sql`exists (select 1 from order_recipients fr where fr.order_id = orders.id and fr.state in (${sql.join(state)}))`;
/**
 * Whether the row `orders` is finished, in SQL: the rule of `isOrderFinished` (protocol) over its
 * recipient rows — cancelled, or someone completed and nobody is still working on it.
 */
const FINISHED = sql<boolean>`(orders.status = 'cancelled' or (${exists(['completed'])} and not ${exists(OPEN)}))`;

/** A LIKE pattern that finds `term` anywhere, its wildcards taken literally (with `escape '\'`). */
export const containing = (term: string) => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
const like = (column: string, pattern: string) =>
  sql<boolean>`lower(${sql.ref(column)}) like lower(${pattern}) escape '\\'`;

/** Whether this order is finished now (and so read-only). */
export async function orderFinished(db: Kysely<Database>, orderId: string): Promise<boolean> {
  const row = await db
    .selectFrom('orders')
    .select(FINISHED.as('finished'))
    .where('orders.id', '=', orderId)
    .executeTakeFirst();
  return Boolean(row && Number(row.finished));
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
  const person = p.person && containing(p.person);
  const text = p.text && containing(p.text);
  const rows = await views
    .orderSelect()
    .innerJoin('units as scope', 'scope.id', 'orders.scope_unit_id')
    .where('scope.path', 'like', `${scopePath}%`)
    .where('orders.parent_order_id', 'is', null)
    .where(p.state === 'finished' ? FINISHED : sql<boolean>`not ${FINISHED}`)
    .$if(text !== undefined, (q) => q.where((eb) => eb.or([like('orders.title', text!), like('orders.body', text!)])))
    .$if(incidentIds !== undefined, (q) => q.where('orders.incident_id', 'in', incidentIds!))
    .$if(person !== undefined, (q) =>
      q.where((eb) =>
        eb.or([
          like('issuer.name', person!),
          eb.exists(
            eb
              .selectFrom('order_recipients as pr')
              .innerJoin('users as pu', 'pu.id', 'pr.user_id')
              .select('pr.user_id')
              .whereRef('pr.order_id', '=', 'orders.id')
              .where(like('pu.name', person!)),
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
  return {
    orders: await Promise.all(page.map(async (r) => ({ order: views.toOrderView(r), board: await views.board(r.id) }))),
    more: rows.length > limit,
  };
}
