import type { Kysely } from 'kysely';

/**
 * Retention: one row per sweep run (retention/retention-runs.ts), which is also the run's claim
 * and lease, so a daily run happens once across nodes; and the indexes its deletes walk by time.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('retention_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('lease_until', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .addColumn('summary', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('images_created_idx').on('images').column('created_at').execute();
  await db.schema.createIndex('hotline_threads_resolved_idx').on('hotline_threads').column('resolved_at').execute();
}
