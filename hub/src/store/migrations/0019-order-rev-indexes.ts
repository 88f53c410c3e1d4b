import type { Kysely } from 'kysely';

/**
 * The start-up check that keeps revs rising after a restore (orders/order-revs.ts, liftRevBase)
 * needs the highest stored rev of assignments and orders: with these indexes each max is one
 * probe at the end of an index instead of a scan of the whole history. The cost is one more index
 * entry per rev change (the user index already holds rev, so those updates were never HOT).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('order_recipients_rev_idx').on('order_recipients').column('rev').execute();
  await db.schema.createIndex('orders_rev_idx').on('orders').column('rev').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('orders_rev_idx').execute();
  await db.schema.dropIndex('order_recipients_rev_idx').execute();
}
