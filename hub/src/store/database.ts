import { accessSync, constants, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  Kysely,
  Migrator,
  type MigrationResultSet,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  sql,
  type DatabaseConnection,
  type LogEvent,
} from 'kysely';
import pg from 'pg';
import type { Logger } from '../logger.ts';
import { migrationProvider } from './migrations/index.ts';
import type { Database } from './schema.ts';
import { enableDirectSqlite } from './sqlite-direct.ts';
import { withStatementCache } from './statement-cache.ts';
import { startWalCheckpointer } from './wal-checkpointer.ts';
import { createStoreHealth, type StoreHealth } from './store-health.ts';

export type DialectName = 'sqlite' | 'postgres';

/**
 * What opening the store does with its schema. auto: apply pending migrations (PostgreSQL nodes
 * starting together take turns on Kysely's advisory lock); never: refuse to open while any are
 * pending (`pnpm hub:migrate` applies them); manual: leave the schema alone (the migrate CLI).
 */
export type MigrateMode = 'auto' | 'never' | 'manual';

/** The SQLite store's file inside DATA_DIR. */
export const SQLITE_FILE = 'fengqiao.sqlite';

/** The open store: the Kysely handle plus what start-up, health checks and shutdown need. */
export interface Store {
  db: Kysely<Database>;
  dialect: DialectName;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /** Readiness: answers, takes a write, no store-level failure lately (cached for a second). */
  health(): Promise<StoreHealth>;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** postgres://… selects PostgreSQL; otherwise SQLite in `dataDir`. */
  databaseUrl?: string | undefined;
  dataDir: string;
  /** SQLite file name inside dataDir; ':memory:' is allowed for throwaway stores. */
  sqliteFile?: string;
  /** Every query's time; `failure` is the store failure code (SQLITE_FULL, 53100, …) when it was one. */
  onQuery?: (durationMs: number, failed: boolean, failure: string | undefined) => void;
  /** This node's name, for its row in the write probe. */
  nodeId?: string;
  log?: Logger;
  /** Default auto. */
  migrate?: MigrateMode;
  /** Open without the right to write (a dry run); SQLite: the file must exist. */
  readOnly?: boolean;
}

/**
 * SQLite rolls a transaction back by itself when a statement fails with SQLITE_FULL or an I/O
 * error; Kysely's ROLLBACK after it then fails with "cannot rollback - no transaction is active",
 * and that error replaces the one that says what happened. Roll back only what is still open.
 */
class RollbackSafeSqliteDriver extends SqliteDriver {
  readonly #sqlite: SQLite.Database;
  constructor(config: ConstructorParameters<typeof SqliteDriver>[0], sqlite: SQLite.Database) {
    super(config);
    this.#sqlite = sqlite;
  }
  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (this.#sqlite.inTransaction) await super.rollbackTransaction(connection);
  }
}

class StoreSqliteDialect extends SqliteDialect {
  readonly #config: { database: ReturnType<typeof withStatementCache> };
  readonly #sqlite: SQLite.Database;
  constructor(sqlite: SQLite.Database) {
    const config = { database: withStatementCache(sqlite) };
    super(config);
    this.#config = config;
    this.#sqlite = sqlite;
  }
  override createDriver() {
    return new RollbackSafeSqliteDriver(this.#config, this.#sqlite);
  }
}

/** Fails start-up with one line when SQLite could not write its file, journal or WAL in the folder. */
function assertWritableDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown';
    throw new Error(`data directory ${dir} is not writable (${code}); the SQLite store needs to write there`);
  }
}

// PostgreSQL returns bigint (int8) as strings; every bigint here is a millisecond time or a count.
pg.types.setTypeParser(20, (v) => Number(v));

/** Opens the store for the configured dialect and brings its schema up to date. */
export async function openStore(opts: StoreOptions): Promise<Store> {
  let db: Kysely<Database> | undefined;
  const health = createStoreHealth({ db: () => db!, nodeId: opts.nodeId ?? 'hub', log: opts.log });
  const log = (e: LogEvent) => {
    const failure = e.level === 'error' ? health.noteFailure(e.error) : undefined;
    opts.onQuery?.(e.queryDurationMillis, e.level === 'error', failure);
  };
  let store: Omit<Store, 'health'>;
  if (opts.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: 10,
      ...(opts.readOnly && { options: '-c default_transaction_read_only=on' }),
    });
    // An idle client's error (server restart) must not crash the process; the pool replaces it.
    pool.on('error', () => {});
    const pgDb = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log });
    store = {
      db: pgDb,
      dialect: 'postgres',
      ping: async () => void (await sql`select 1`.execute(pgDb)),
      close: () => pgDb.destroy(),
    };
  } else {
    const file = opts.sqliteFile ?? SQLITE_FILE;
    if (file !== ':memory:' && !opts.readOnly) assertWritableDir(opts.dataDir);
    const path = file === ':memory:' ? file : join(opts.dataDir, file);
    const sqlite = new SQLite(path, opts.readOnly ? { readonly: true, fileMustExist: true } : {});
    // The journal mode is stored in the file: a read-only open finds it set and must not set it.
    if (!opts.readOnly) sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('synchronous = NORMAL');
    const liteDb = new Kysely<Database>({ dialect: new StoreSqliteDialect(sqlite), log });
    enableDirectSqlite(liteDb, sqlite, log);
    const checkpointer =
      file === ':memory:' || opts.readOnly ? undefined : startWalCheckpointer({ sqlite, file: path, log: opts.log });
    store = {
      db: liteDb,
      dialect: 'sqlite',
      ping: async () => void (await sql`select 1`.execute(liteDb)),
      // The worker's connection first: the hub's, closing last, then checkpoints all and removes the WAL.
      close: async () => {
        await checkpointer?.stop();
        await liteDb.destroy();
      },
    };
  }
  db = store.db;
  const mode = opts.migrate ?? 'auto';
  try {
    if (mode === 'auto') await migrateToLatest(store.db, store.dialect);
    if (mode === 'never') await assertSchemaCurrent(store.db);
  } catch (err) {
    await store.close();
    throw err;
  }
  return { ...store, health: health.check };
}

function migrator(db: Kysely<Database>): Migrator {
  // Numbers are reserved per feature (0008 hotline, 0009 reports) and may land out of order.
  return new Migrator({ db, provider: migrationProvider, allowUnorderedMigrations: true });
}

/** Names of the migrations not yet applied to this store, in the order they would run. Reads only. */
export async function pendingMigrations(db: Kysely<Database>): Promise<string[]> {
  return (await migrator(db).getMigrations()).filter((m) => !m.executedAt).map((m) => m.name);
}

/**
 * Applies every pending migration, all or none; returns their names. PostgreSQL: Kysely runs them
 * in one transaction under an advisory lock. SQLite: Kysely does neither, so the run sits in one
 * BEGIN IMMEDIATE on the store's single connection, which a second process waits for (busy_timeout).
 */
export async function migrateToLatest(db: Kysely<Database>, dialect: DialectName): Promise<string[]> {
  const run = () => migrator(db).migrateToLatest();
  const { error, results = [] } = dialect === 'sqlite' ? await inWriteLock(db, run) : await run();
  if (error) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName ?? 'run';
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`store migration ${failed} failed: ${reason}`, { cause: error });
  }
  return results.map((r) => r.migrationName);
}

async function inWriteLock(db: Kysely<Database>, run: () => Promise<MigrationResultSet>): Promise<MigrationResultSet> {
  await sql`begin immediate`.execute(db);
  let outcome: MigrationResultSet | undefined;
  try {
    outcome = await run();
    return outcome;
  } finally {
    await sql.raw(outcome && !outcome.error ? 'commit' : 'rollback').execute(db);
  }
}

/** MIGRATE=never: one line naming what is pending and the command that applies it. */
async function assertSchemaCurrent(db: Kysely<Database>): Promise<void> {
  const pending = await pendingMigrations(db);
  if (pending.length === 0) return;
  throw new Error(
    `the store's schema is out of date (MIGRATE=never): ${pending.length} pending migration(s): ${pending.join(', ')}; ` +
      'apply them with `pnpm hub:migrate` (or `node hub/dist/migrate.js`), then start the hub again',
  );
}
