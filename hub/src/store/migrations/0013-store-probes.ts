import type { Kysely } from 'kysely';

/** One row per hub node, rewritten by its readiness check to prove the store takes writes (store-health.ts). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('store_probes')
    .addColumn('node', 'text', (c) => c.primaryKey())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('store_probes').execute();
}
