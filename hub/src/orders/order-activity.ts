import type { Kysely } from 'kysely';
import { ACTIVITY_KINDS, type OrderActivityEntry, type OrderActivityKind } from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';

/**
 * The command room's activity: the order events that say how the work goes (签收, 进展, 反馈, 退回,
 * 改派), read from `order_events` with the order and the actor's name. Reminders, escalations and the
 * dispatcher's own edits stay in each order's timeline.
 */
export function createOrderActivity(db: Kysely<Database>) {
  const select = () =>
    db
      .selectFrom('order_events as e')
      .innerJoin('orders as o', 'o.id', 'e.order_id')
      .leftJoin('users as a', 'a.id', 'e.actor_id')
      .select([
        'e.id',
        'e.at',
        'e.kind',
        'e.text',
        'e.actor_id',
        'a.name as actor_name',
        'o.id as order_id',
        'o.title',
        'o.priority',
        'o.parent_order_id',
      ])
      .where('e.kind', 'in', ACTIVITY_KINDS);
  type Row = Awaited<ReturnType<ReturnType<typeof select>['executeTakeFirstOrThrow']>>;

  const toEntry = (r: Row): OrderActivityEntry => ({
    id: r.id,
    at: r.at,
    kind: r.kind as OrderActivityKind,
    text: r.text,
    actor: r.actor_id ? { id: r.actor_id, name: r.actor_name ?? '' } : null,
    order: { id: r.order_id, title: r.title, priority: r.priority, parentOrderId: r.parent_order_id },
  });

  return {
    /**
     * The activity of orders in a command scope (a unit path and everything below it), newest
     * first: `limit` entries before the entry `before`, and whether more lie beyond.
     */
    async page(
      scopePath: string,
      opts: { before?: string | undefined; limit: number },
    ): Promise<{ entries: OrderActivityEntry[]; more: boolean }> {
      const rows = await select()
        .innerJoin('units as scope', 'scope.id', 'o.scope_unit_id')
        .where('scope.path', 'like', `${scopePath}%`)
        .$if(opts.before !== undefined, (q) => q.where('e.id', '<', opts.before!))
        .orderBy('e.id', 'desc')
        .limit(opts.limit + 1)
        .execute();
      return { entries: rows.slice(0, opts.limit).map(toEntry), more: rows.length > opts.limit };
    },
    /**
     * The newest entry of each of these orders that has any, by order id: the newest id per order
     * through the (order_id, id) index, then those entries by primary key, two queries for any number.
     */
    async latest(orderIds: string[]): Promise<Map<string, OrderActivityEntry>> {
      if (orderIds.length === 0) return new Map();
      const newest = await db
        .selectFrom('orders as p')
        .select((eb) =>
          eb
            .selectFrom('order_events as n')
            .select('n.id')
            .whereRef('n.order_id', '=', 'p.id')
            .where('n.kind', 'in', ACTIVITY_KINDS)
            .orderBy('n.id', 'desc')
            .limit(1)
            .as('id'),
        )
        .where('p.id', 'in', orderIds)
        .execute();
      const ids = newest.flatMap((r) => (r.id ? [r.id] : []));
      if (ids.length === 0) return new Map();
      const rows = await select().where('e.id', 'in', ids).execute();
      return new Map(rows.map((r) => [r.order_id, toEntry(r)]));
    },
    /** The newest `n` entries of one order (through its (order_id, id) index). */
    async recent(orderId: string, n: number): Promise<OrderActivityEntry[]> {
      const rows = await select().where('e.order_id', '=', orderId).orderBy('e.id', 'desc').limit(n).execute();
      return rows.map(toEntry);
    },
  };
}
export type OrderActivity = ReturnType<typeof createOrderActivity>;
