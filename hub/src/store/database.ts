import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type LogEvent } from 'kysely';
import pg from 'pg';
import { migrationProvider } from './migrations/index.ts';
import type { Database } from './schema.ts';
import { withStatementCache } from './statement-cache.ts';

export type DialectName = 'sqlite' | 'postgres';

/** The open store: the Kysely handle plus what start-up, health checks and shutdown need. */
export interface Store {
  db: Kysely<Database>;
  dialect: DialectName;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** postgres://… selects PostgreSQL; otherwise SQLite in `dataDir`. */
  databaseUrl?: string | undefined;
  dataDir: string;
  /** SQLite file name inside dataDir; ':memory:' is allowed for throwaway stores. */
  sqliteFile?: string;
  onQuery?: (durationMs: number, failed: boolean) => void;
}

// PostgreSQL returns bigint (int8) as strings; every bigint here is a millisecond time or a count.
pg.types.setTypeParser(20, (v) => Number(v));

/** Opens the store for the configured dialect and brings its schema up to date. */
export async function openStore(opts: StoreOptions): Promise<Store> {
  const log = opts.onQuery
    ? (e: LogEvent) => opts.onQuery!(e.queryDurationMillis, e.level === 'error')
    : undefined;
  let store: Store;
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 10 });
    // An idle client's error (server restart) must not crash the process; the pool replaces it.
    pool.on('error', () => {});
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log });
    store = {
      db,
      dialect: 'postgres',
      ping: async () => void (await sql`select 1`.execute(db)),
      close: () => db.destroy(),
    };
  } else {
    const file = opts.sqliteFile ?? 'fengqiao.sqlite';
    if (file !== ':memory:') mkdirSync(opts.dataDir, { recursive: true });
    const sqlite = new SQLite(file === ':memory:' ? file : join(opts.dataDir, file));
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('synchronous = NORMAL');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }), log });
    store = {
      db,
      dialect: 'sqlite',
      ping: async () => void (await sql`select 1`.execute(db)),
      close: () => db.destroy(),
    };
  }
  await migrate(store.db);
  return store;
}

async function migrate(db: Kysely<Database>): Promise<void> {
  // Numbers are reserved per feature (0008 hotline, 0009 reports) and may land out of order.
  const migrator = new Migrator({ db, provider: migrationProvider, allowUnorderedMigrations: true });
  const { error } = await migrator.migrateToLatest();
  if (error) throw new Error('store migration failed', { cause: error });
}
