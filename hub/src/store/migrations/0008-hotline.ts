import type { Kysely } from 'kysely';

/** Station-head hotline: threads (over the shared message pipeline), internal notes, canned replies, delegates. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('hotline_threads')
    .addColumn('id', 'text', (c) => c.primaryKey().references('groups.id'))
    .addColumn('station_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('resident_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('place', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    .addColumn('first_answered_at', 'bigint')
    .addColumn('assignee_id', 'text', (c) => c.references('users.id'))
    .addColumn('handoff_department', 'text')
    .addColumn('handoff_reason', 'text')
    .addColumn('handoff_at', 'bigint')
    .addColumn('handoff_by', 'text', (c) => c.references('users.id'))
    .addColumn('resolution_summary', 'text')
    .addColumn('resolved_at', 'bigint')
    .addColumn('resolved_by', 'text', (c) => c.references('users.id'))
    .addColumn('rating_score', 'integer')
    .addColumn('rating_comment', 'text')
    .addColumn('rated_at', 'bigint')
    .addColumn('overdue_flagged_at', 'bigint')
    .addColumn('staff_read_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('staff_read_at', 'bigint')
    .addColumn('follow_up_at', 'bigint')
    .addColumn('follow_up_note', 'text')
    .addColumn('follow_up_done_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('hotline_threads_client_uq', ['resident_id', 'client_id'])
    .execute();
  await db.schema
    .createIndex('hotline_threads_station_idx')
    .on('hotline_threads')
    .columns(['station_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('hotline_threads_due_idx')
    .on('hotline_threads')
    .columns(['overdue_flagged_at', 'due_at'])
    .execute();

  await db.schema
    .createTable('hotline_notes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('thread_id', 'text', (c) => c.notNull().references('hotline_threads.id'))
    .addColumn('author_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('hotline_notes_client_uq', ['author_id', 'client_id'])
    .execute();
  await db.schema.createIndex('hotline_notes_thread_idx').on('hotline_notes').column('thread_id').execute();

  await db.schema
    .createTable('hotline_canned')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('station_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('hotline_canned_station_idx').on('hotline_canned').column('station_id').execute();

  await db.schema
    .createTable('hotline_delegates')
    .addColumn('station_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('granted_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('granted_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('hotline_delegates_pk', ['station_id', 'user_id'])
    .execute();
}
