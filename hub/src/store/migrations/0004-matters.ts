import type { Kysely } from 'kysely';

/** Matters (登记问题) raised from group messages and answered back in the group. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('matters')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id'))
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('assignee_id', 'text', (c) => c.references('users.id'))
    .addColumn('department', 'text')
    .addColumn('answer_seq', 'bigint')
    .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('matters_client_uq', ['created_by', 'client_id'])
    .execute();
  await db.schema.createIndex('matters_group_idx').on('matters').columns(['group_id', 'status']).execute();
}
