import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, SQLITE_FILE } from './database.ts';
import { startWalCheckpointer, type WalCheckpointer } from './wal-checkpointer.ts';

/** The SQLite store's WAL checkpoints, done by a worker thread instead of the committing connection. */
describe('WAL checkpoints off the event loop', () => {
  const dirs: string[] = [];
  const opened: { close(): unknown }[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'fq-wal-'));
    dirs.push(dir);
    return dir;
  };
  /** A WAL-mode file with a table, as the store opens it. */
  const walFile = () => {
    const file = join(tempDir(), 'store.sqlite');
    const db = new SQLite(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('create table notes (id integer primary key, text text not null)');
    opened.push(db);
    return { db, file };
  };
  /** Commits `n` rows one transaction each, as messages are written. */
  const writeRows = (db: SQLite.Database, n: number) => {
    const insert = db.prepare('insert into notes (text) values (?)');
    for (let i = 0; i < n; i += 1) insert.run(`第${i + 1}条 ${'记录'.repeat(50)}`);
  };
  const rowsIn = (file: string) => {
    const db = new SQLite(file, { readonly: true });
    try {
      return (db.prepare('select count(*) as n from notes').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };
  /**
   * The rows of a copy taken while the worker may still be copying into the file (a report read
   * late): a torn copy counts as none, and the next report is waited for.
   */
  const rowsInCopy = (file: string) => {
    try {
      return rowsIn(file);
    } catch {
      return -1;
    }
  };
  const checkpointers: WalCheckpointer[] = [];

  afterEach(async () => {
    for (const c of checkpointers.splice(0)) await c.stop();
    for (const db of opened.splice(0)) db.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('the committing connection never checkpoints; the worker copies its commits into the database file', async () => {
    const { db, file } = walFile();
    const c = startWalCheckpointer({ sqlite: db, file, everyMs: 20 });
    checkpointers.push(c);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);

    writeRows(db, 3000); // well past the 1000 pages at which the connection would checkpoint itself
    // The database file alone, without its WAL, comes to hold every row: the worker copies them in.
    const alone = join(tempDir(), 'copy.sqlite');
    for (;;) {
      const { frames, copied } = await c.nextCheckpoint();
      if (copied < frames) continue;
      copyFileSync(file, alone);
      if (rowsInCopy(alone) === 3000) break;
    }
  });

  it('when the worker is gone, the connection checkpoints by itself again', async () => {
    const { db, file } = walFile();
    const c = startWalCheckpointer({ sqlite: db, file });
    checkpointers.push(c);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    await c.thread.terminate();
    await new Promise((resolve) => setImmediate(resolve));
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);

    writeRows(db, 3000);
    const alone = join(tempDir(), 'copy.sqlite');
    copyFileSync(file, alone);
    expect(rowsIn(alone)).toBeGreaterThan(0);
  });

  it('a process that opens and closes a store (a CLI) goes on after the close, and ends by itself', () => {
    const dataDir = tempDir();
    const script = [
      `import { openStore } from './src/store/database.ts';`,
      `const store = await openStore({ dataDir: ${JSON.stringify(dataDir)} });`,
      `await store.close();`,
      `console.log('after close');`,
    ].join('\n');
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('../../', import.meta.url)),
      env: { ...process.env, DATABASE_URL: '' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect({ status: run.status, out: run.stdout.trim() }).toEqual({ status: 0, out: 'after close' });
  });

  it('a store closes with its WAL checkpointed and removed, and opens again with everything in it', async () => {
    const dataDir = tempDir();
    const store = await openStore({ dataDir });
    expect((await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(store.db)).rows).toEqual([
      { wal_autocheckpoint: 0 },
    ]);
    const before = Number(
      (
        await store.db
          .selectFrom('units')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    await store.db
      .insertInto('units')
      .values({
        id: 'wal-unit',
        parent_id: null,
        kind: 'city',
        name: '检查点',
        code: 'WAL-1',
        path: '/wal-unit/',
        sort: 1,
        created_at: Date.now(),
      })
      .execute();
    await store.close();
    expect(existsSync(join(dataDir, `${SQLITE_FILE}-wal`))).toBe(false);

    const again = await openStore({ dataDir });
    opened.push({ close: () => again.close() });
    expect(
      Number(
        (
          await again.db
            .selectFrom('units')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    ).toBe(before + 1);
  });
});
