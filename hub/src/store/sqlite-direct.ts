import { performance } from 'node:perf_hooks';
import type SQLite from 'better-sqlite3';
import type { CompiledQuery, Kysely, LogEvent, QueryResult } from 'kysely';
import type { Database } from './schema.ts';

/**
 * Runs a compiled query on SQLite's one connection directly, skipping Kysely's connection queue,
 * logging wrapper and result plumbing: per statement those allocate more than the statement's
 * own rows (a query id, a mutex promise, log events, a chain of async frames), and under chat load
 * that garbage cost the hub as much CPU as the statements did. Only where the answer is exactly
 * what Kysely's queue would give: `exec` is a transaction (it holds the connection, so the
 * statement is part of it), or no transaction is open on the connection (an autocommit statement
 * then sees only committed rows). Inside someone else's open transaction it answers undefined and
 * the caller goes through Kysely, which waits its turn. Every run is logged like Kysely's
 * (the store's query metrics and failure health see it).
 */
export type DirectStatement = <R>(
  exec: Kysely<Database>,
  query: CompiledQuery<R>,
  parameters: readonly unknown[],
) => QueryResult<R> | undefined;

const direct = new WeakMap<Kysely<Database>, (sql: string) => DirectStatement>();

/** Called by the store when it opens SQLite: `db` may now run prepared queries directly. */
export function enableDirectSqlite(db: Kysely<Database>, sqlite: SQLite.Database, log: (e: LogEvent) => void): void {
  direct.set(db, (sql) => {
    const stmt = sqlite.prepare(sql);
    return <R>(exec: Kysely<Database>, query: CompiledQuery<R>, parameters: readonly unknown[]) => {
      // A plugin (the tests' query counter) must see the query: only Kysely's path runs plugins.
      if (exec.getExecutor().plugins.length > 0) return undefined;
      if (!exec.isTransaction && sqlite.inTransaction) return undefined;
      const startTime = performance.now();
      try {
        const result: QueryResult<R> = stmt.reader
          ? { rows: stmt.all(parameters) as R[] }
          : runWrite<R>(stmt.run(parameters));
        log({ level: 'query', isStream: false, query, queryDurationMillis: performance.now() - startTime });
        return result;
      } catch (error) {
        log({ level: 'error', error, query, queryDurationMillis: performance.now() - startTime });
        throw error;
      }
    };
  });
}

/** The same shape Kysely's SQLite driver answers for a statement that returns no rows. */
const runWrite = <R>({ changes, lastInsertRowid }: SQLite.RunResult): QueryResult<R> => ({
  numAffectedRows: BigInt(changes),
  insertId: BigInt(lastInsertRowid),
  rows: [],
});

/** For a query prepared on `db`: its direct runner when `db` is a SQLite store's, else undefined. */
export function directStatement(db: Kysely<Database>, sql: string): DirectStatement | undefined {
  return direct.get(db)?.(sql);
}
