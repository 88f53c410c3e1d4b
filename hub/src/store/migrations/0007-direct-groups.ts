import type { Kysely } from 'kysely';

/** One-to-one conversations between staff: one group per pair, found again by its pair key. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('groups').addColumn('pair_key', 'text').execute();
  await db.schema.createIndex('groups_pair_key_uq').on('groups').column('pair_key').unique().execute();
}
