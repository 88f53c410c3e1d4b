import type { Kysely } from 'kysely';

/** Briefings and reports (one per unit, kind and period start), per-station report settings, and the indexes their figures read by. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('period_start', 'bigint', (c) => c.notNull())
    .addColumn('period_end', 'bigint', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.references('users.id'))
    .addColumn('figures', 'text', (c) => c.notNull())
    .addColumn('sections', 'text', (c) => c.notNull())
    .addColumn('summarised_at', 'bigint')
    .addColumn('generated_at', 'bigint', (c) => c.notNull())
    .addColumn('post_claimed_at', 'bigint')
    .addColumn('posted_group_id', 'text')
    .addColumn('posted_seq', 'bigint')
    .addColumn('posted_at', 'bigint')
    .addUniqueConstraint('reports_period_uq', ['unit_id', 'kind', 'period_start'])
    .execute();
  await db.schema.createIndex('reports_list_idx').on('reports').columns(['unit_id', 'generated_at']).execute();

  await db.schema
    .createTable('report_settings')
    .addColumn('unit_id', 'text', (c) => c.primaryKey().references('units.id'))
    .addColumn('briefing_time', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.references('users.id'))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  // Figures over a period: messages of a group by time, orders of a scope by time, orders by time (per-person figures).
  await db.schema.createIndex('messages_group_time_idx').on('messages').columns(['group_id', 'created_at']).execute();
  await db.schema.createIndex('orders_scope_time_idx').on('orders').columns(['scope_unit_id', 'created_at']).execute();
  await db.schema.createIndex('orders_time_idx').on('orders').column('created_at').execute();
}
