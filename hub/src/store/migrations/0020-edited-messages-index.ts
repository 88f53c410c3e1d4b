import { sql, type Kysely } from 'kysely';

/**
 * Only edited (recalled, removed) messages have a change seq above 0, and only the catch-up's
 * edits query looks them up by it: a partial index holds just those. Before, every new message
 * put an entry into the full index, one more page written per commit on the busiest write path.
 * The edits query names the index's condition (`change_seq > 0`), so both dialects may use it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('messages_group_change_idx').execute();
  await db.schema
    .createIndex('messages_group_edit_idx')
    .on('messages')
    .columns(['group_id', 'change_seq'])
    .where(sql.ref('change_seq'), '>', 0)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('messages_group_edit_idx').execute();
  await db.schema.createIndex('messages_group_change_idx').on('messages').columns(['group_id', 'change_seq']).execute();
}
