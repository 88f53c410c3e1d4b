import type { Kysely } from 'kysely';

/**
 * The dispatcher's board separates active from finished orders by their recipients' states
 * (orders/order-search.ts): this index finds the few orders someone still works on (or that all
 * handed back) without visiting every finished order.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('order_recipients_state_idx')
    .on('order_recipients')
    .columns(['state', 'order_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('order_recipients_state_idx').execute();
}
