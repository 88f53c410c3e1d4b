import type { Kysely } from 'kysely';

/**
 * Edits (recall, removal) move a cursor: every conversation counts its edits in `change_seq`,
 * bumped under the conversation row's lock like `last_seq`, and a message keeps the count of its
 * last edit, so sync can return what was edited since a client's change cursor.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('groups')
    .addColumn('change_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('messages')
    .addColumn('change_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('messages_group_change_idx').on('messages').columns(['group_id', 'change_seq']).execute();
}
