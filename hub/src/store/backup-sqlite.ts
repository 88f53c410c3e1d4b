import SQLite from 'better-sqlite3';

/** Tables whose row counts a manifest records, to compare a restore against at a glance. */
const COUNTED_TABLES = [
  'units',
  'users',
  'groups',
  'group_members',
  'messages',
  'images',
  'orders',
  'order_recipients',
  'hotline_threads',
  'incidents',
  'audit_log',
] as const;

/** What a backup copy of the store holds, read from the copy itself. */
export interface StoreFacts {
  /** The last migration applied (migration names sort in the order they were numbered). */
  schemaVersion: string;
  counts: Record<string, number>;
}

/** How the online copy went: pages in the store, and how often a write elsewhere made SQLite start over. */
export interface CopyProgress {
  totalPages: number;
  remainingPages: number;
  restarts: number;
}

/**
 * Copies a live SQLite store to `dest` with SQLite's online backup API while other connections
 * go on writing (WAL). Pages go over `stepPages` at a time, one step per turn of the event loop,
 * so neither this process nor the page cache holds the whole store. A write by another connection
 * between two steps makes SQLite start the copy over; after the first restart the rest is copied in
 * one step, under one read snapshot (WAL readers do not block writers), so the copy always ends.
 * `onStep` may answer 'pause' to copy nothing this turn (throttling; tests use it to hold the copy
 * open while they write).
 */
export async function copyLiveStore(
  source: string,
  dest: string,
  opts: { stepPages: number; onStep?: (p: CopyProgress) => 'pause' | void },
): Promise<CopyProgress> {
  const db = new SQLite(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    let restarts = 0;
    let expected = Number.POSITIVE_INFINITY;
    const done = await db.backup(dest, {
      progress: ({ totalPages, remainingPages }) => {
        // More left than the last step should have left: SQLite started over (or the store grew, which is a write too).
        if (remainingPages > expected) restarts += 1;
        const pause = opts.onStep?.({ totalPages, remainingPages, restarts }) === 'pause';
        const pages = pause ? 0 : restarts > 0 ? totalPages : opts.stepPages;
        expected = Math.max(0, remainingPages - pages);
        return pages;
      },
    });
    return { ...done, restarts };
  } finally {
    db.close();
  }
}

/**
 * Makes a copy self-contained (rollback journal, so no -wal file belongs to it), then checks it:
 * `PRAGMA integrity_check` must answer ok. Returns what the copy holds. Throws when it is damaged.
 */
export function checkStoreCopy(path: string): StoreFacts {
  const db = new SQLite(path, { fileMustExist: true });
  try {
    db.pragma('journal_mode = DELETE');
    const problems = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
    if (problems.join() !== 'ok')
      throw new Error(`integrity check of ${path} failed: ${problems.slice(0, 5).join('; ')}`);
    const migration = db.prepare('select name from kysely_migration order by name desc limit 1').get() as
      { name: string } | undefined;
    if (!migration) throw new Error(`${path} has no migrations applied: not a Fengqiao store`);
    const present = new Set(
      (db.prepare(`select name from sqlite_master where type = 'table'`).all() as { name: string }[]).map(
        (r) => r.name,
      ),
    );
    const counts: Record<string, number> = {};
    for (const table of COUNTED_TABLES.filter((t) => present.has(t)))
      counts[table] = (db.prepare(`select count(*) as n from "${table}"`).get() as { n: number }).n;
    return { schemaVersion: migration.name, counts };
  } finally {
    db.close();
  }
}

/**
 * True when another connection (a running hub, in this process or another) has the store open:
 * taking SQLite's exclusive lock fails at once. A file that is not a database is not in use;
 * any other failure (permissions) is thrown.
 */
export function storeInUse(path: string): boolean {
  let db: SQLite.Database | undefined;
  try {
    db = new SQLite(path, { fileMustExist: true, timeout: 0 });
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
    return false;
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return true;
    // Garbage where the store should be: nothing can be using it as a store.
    if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) return false;
    throw err;
  } finally {
    db?.close();
  }
}
