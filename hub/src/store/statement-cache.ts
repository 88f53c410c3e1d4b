import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Gives Kysely's SQLite driver back the same prepared statement for the same SQL text. The driver
 * prepares every query anew, and compiling was a tenth of the hub's CPU under chat load; a
 * statement is safe to reuse because the driver runs each one to completion synchronously.
 */
export function withStatementCache(db: SqliteDatabase, max = 500): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => {
      cache.clear();
      return db.close();
    },
    prepare(sql: string): SqliteStatement {
      let stmt = cache.get(sql);
      if (stmt) {
        // Move to the back: the map's first key is then the least recently used.
        cache.delete(sql);
      } else {
        stmt = db.prepare(sql);
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, stmt);
      return stmt;
    },
  };
}
