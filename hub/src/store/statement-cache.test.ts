import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import { withStatementCache } from './statement-cache.ts';

describe('statement cache', () => {
  it('prepares each SQL text once and keeps answering with current data', async () => {
    const sqlite = new SQLite(':memory:');
    let prepared = 0;
    const counting = { close: () => sqlite.close(), prepare: (text: string) => (prepared++, sqlite.prepare(text)) };
    const db = new Kysely<{ notes: { id: number; text: string } }>({
      dialect: new SqliteDialect({ database: withStatementCache(counting) }),
    });
    await db.schema
      .createTable('notes')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('text', 'text')
      .execute();
    for (let i = 1; i <= 3; i++)
      await db
        .insertInto('notes')
        .values({ id: i, text: `n${i}` })
        .execute();
    const first = await db.selectFrom('notes').select('text').where('id', '=', 2).execute();
    await db.updateTable('notes').set({ text: 'changed' }).where('id', '=', 2).execute();
    const second = await db.selectFrom('notes').select('text').where('id', '=', 2).execute();
    expect(first).toEqual([{ text: 'n2' }]);
    expect(second).toEqual([{ text: 'changed' }]);
    // create + insert + select + update: four distinct texts, whatever the repeats.
    expect(prepared).toBe(4);
    await db.destroy();
  });

  it('forgets the least recently used statement beyond its size', () => {
    const sqlite = new SQLite(':memory:');
    const cached = withStatementCache(sqlite, 2);
    const a = cached.prepare('select 1');
    const b = cached.prepare('select 2');
    expect(cached.prepare('select 1')).toBe(a);
    cached.prepare('select 3'); // evicts 'select 2', used least recently
    expect(cached.prepare('select 1')).toBe(a);
    expect(cached.prepare('select 2')).not.toBe(b);
    cached.close();
  });
});
