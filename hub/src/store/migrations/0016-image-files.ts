import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * Image bytes move out of the store into files (conversations/image-files.ts). The blob columns
 * become `legacy_data` / `legacy_thumb`, nullable: new images have none, and a one-time step at
 * start (conversations/image-move.ts) writes the old ones out and nulls them, row by row, so it
 * can stop and resume at any point. A later migration drops the two columns.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    // Renaming keeps the bytes where they are: no copy of a large table.
    await sql`alter table images rename column data to legacy_data`.execute(db);
    await sql`alter table images rename column thumb to legacy_thumb`.execute(db);
    await sql`alter table images alter column legacy_data drop not null`.execute(db);
    await sql`alter table images alter column legacy_thumb drop not null`.execute(db);
    return;
  }
  // SQLite cannot drop NOT NULL: copy into nullable columns, then drop the old ones.
  await db.schema.alterTable('images').addColumn('legacy_data', 'blob').execute();
  await db.schema.alterTable('images').addColumn('legacy_thumb', 'blob').execute();
  await sql`update images set legacy_data = data, legacy_thumb = thumb`.execute(db);
  await db.schema.alterTable('images').dropColumn('data').execute();
  await db.schema.alterTable('images').dropColumn('thumb').execute();
}
