import type { Kysely } from 'kysely';

/** @mentions, muting, and the pinned group notice (群公告) with who has read it. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('messages').addColumn('mentions', 'text').execute();
  await db.schema.alterTable('group_members').addColumn('muted_until', 'bigint').execute();
  await db.schema.alterTable('groups').addColumn('notice_text', 'text').execute();
  await db.schema.alterTable('groups').addColumn('notice_by', 'text').execute();
  await db.schema.alterTable('groups').addColumn('notice_at', 'bigint').execute();
  await db.schema
    .createTable('group_notice_reads')
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('notice_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('group_notice_reads_pk', ['group_id', 'user_id'])
    .execute();
}
