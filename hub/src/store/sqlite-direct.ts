import { performance } from 'node:perf_hooks';
import type SQLite from 'better-sqlite3';
import { CompiledQuery, type Kysely, type LogEvent, type QueryResult } from 'kysely';
import type { Database } from './schema.ts';

/**
 * Runs a compiled query on SQLite's one connection directly, skipping Kysely's connection queue,
 * logging wrapper and result plumbing: per statement those allocate more than the statement's
 * own rows (a query id, a mutex promise, log events, a chain of async frames), and under chat load
 * that garbage cost the hub as much CPU as the statements did. Only where the answer is exactly
 * what Kysely's queue would give: `exec` is a transaction (it holds the connection, so the
 * statement is part of it), or no transaction is open on the connection (an autocommit statement
 * then sees only committed rows), or a direct transaction's body is running (it is that
 * transaction's). Inside someone else's open transaction it answers undefined and
 * the caller goes through Kysely, which waits its turn. Every run is logged like Kysely's
 * (the store's query metrics and failure health see it).
 */
export type DirectStatement = <R>(
  exec: Kysely<Database>,
  query: CompiledQuery<R>,
  parameters: readonly unknown[],
) => QueryResult<R> | undefined;

/** A synchronous body's value; a promise here would run its statements after the commit. */
type Sync<T> = T extends PromiseLike<unknown> ? never : T;

/**
 * Runs `body` in a transaction of its own on SQLite's connection, BEGIN to COMMIT with no wait in
 * between, when nothing holds the connection: Kysely's transaction would queue for it, log and
 * wrap each step, and await between them, which under chat load allocated more per message than
 * the message's own statements. The body runs its statements with prepared queries' `now` (they
 * run directly while it does). Answers undefined while another transaction is open: the caller
 * then takes Kysely's transaction, which waits its turn. A failure rolls back (unless SQLite
 * already did, as it does on a full disk) and is thrown.
 */
export type DirectTransaction = <T>(body: () => Sync<T>) => { value: T } | undefined;

interface DirectSqlite {
  statement(sql: string): DirectStatement;
  transaction: DirectTransaction;
}

const direct = new WeakMap<Kysely<Database>, DirectSqlite>();

/** Called by the store when it opens SQLite: `db` may now run prepared queries and transactions directly. */
export function enableDirectSqlite(db: Kysely<Database>, sqlite: SQLite.Database, log: (e: LogEvent) => void): void {
  /** A direct transaction's body is running: the connection is its, and its statements run directly. */
  let held = false;
  const logged = <T>(query: CompiledQuery, run: () => T): T => {
    const startTime = performance.now();
    try {
      const result = run();
      log({ level: 'query', isStream: false, query, queryDurationMillis: performance.now() - startTime });
      return result;
    } catch (error) {
      log({ level: 'error', error, query, queryDurationMillis: performance.now() - startTime });
      throw error;
    }
  };
  const control = (text: string) => ({ query: CompiledQuery.raw(text), stmt: sqlite.prepare(text) });
  const begin = control('begin');
  const commit = control('commit');
  const rollback = control('rollback');
  const step = ({ query, stmt }: ReturnType<typeof control>) => logged(query, () => stmt.run());

  direct.set(db, {
    statement(sql) {
      const stmt = sqlite.prepare(sql);
      return <R>(exec: Kysely<Database>, query: CompiledQuery<R>, parameters: readonly unknown[]) => {
        // A plugin (the tests' query counter) must see the query: only Kysely's path runs plugins.
        if (exec.getExecutor().plugins.length > 0) return undefined;
        if (!held && !exec.isTransaction && sqlite.inTransaction) return undefined;
        return logged(query, (): QueryResult<R> =>
          stmt.reader ? { rows: stmt.all(parameters) as R[] } : runWrite<R>(stmt.run(parameters)),
        );
      };
    },
    transaction<T>(body: () => Sync<T>) {
      if (sqlite.inTransaction) return undefined;
      step(begin);
      held = true;
      try {
        const value = body();
        if (typeof (value as { then?: unknown } | undefined)?.then === 'function')
          throw new Error('a direct transaction body must not wait: its statements would run after the commit');
        step(commit);
        return { value: value as T };
      } catch (err) {
        if (sqlite.inTransaction) step(rollback);
        throw err;
      } finally {
        held = false;
      }
    },
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
  return direct.get(db)?.statement(sql);
}

/** `db`'s direct transactions when it is a SQLite store's, else undefined. */
export function directTransaction(db: Kysely<Database>): DirectTransaction | undefined {
  return direct.get(db)?.transaction;
}
