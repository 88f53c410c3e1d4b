import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from './database.ts';
import { preparedQuery } from './prepared-query.ts';
import { directTransaction } from './sqlite-direct.ts';

/**
 * Prepared queries on SQLite skip Kysely's connection queue (sqlite-direct.ts). What must hold:
 * nobody's statement lands inside someone else's open transaction, and every run is still seen by
 * the store's query log (metrics, failure health).
 */
describe('prepared queries run directly on SQLite', () => {
  let dir: string;
  let store: Store;
  const logged: { failed: boolean; failure: string | undefined }[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fq-direct-'));
    logged.length = 0;
    store = await openStore({ dataDir: dir, onQuery: (_ms, failed, failure) => logged.push({ failed, failure }) });
    await store.db
      .insertInto('units')
      .values({
        id: 'u1',
        parent_id: null,
        kind: 'station',
        name: '枫桥派出所',
        code: 'FQ',
        path: '/u1/',
        sort: 1,
        created_at: 1,
      })
      .execute();
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const queries = (db: Store['db']) => ({
    nameOf: preparedQuery(db, ['id'], (q, v) => q.selectFrom('units').select('name').where('id', '=', v.id)),
    rename: preparedQuery(db, ['id', 'name'], (q, v) =>
      q.updateTable('units').set({ name: v.name }).where('id', '=', v.id),
    ),
    insertUnit: preparedQuery(db, ['id', 'code'], (q, v) =>
      q.insertInto('units').values({
        id: v.id,
        parent_id: null,
        kind: 'station',
        name: '新所',
        code: v.code,
        path: '/x/',
        sort: 2,
        created_at: 2,
      }),
    ),
  });

  /**
   * Another caller's transaction, open once this resolves, holding an uncommitted rename of u1;
   * `release` lets it go on to roll back, and `rolledBack` answers its error's message.
   */
  async function openRenameThenRollBack(db: Store['db']) {
    let inside!: () => void;
    const opened = new Promise<void>((resolve) => (inside = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const rolledBack = db
      .transaction()
      .execute(async (trx) => {
        await trx.updateTable('units').set({ name: '未提交' }).where('id', '=', 'u1').execute();
        inside();
        await gate;
        throw new Error('roll back');
      })
      .catch((err: Error) => err.message);
    await opened;
    return { release, rolledBack };
  }

  it('never reads or writes inside another caller’s open transaction: it waits, and its write outlives their rollback', async () => {
    const { db } = store;
    const { nameOf, rename } = queries(db);
    const { release, rolledBack } = await openRenameThenRollBack(db);
    // Issued while the transaction holds the connection with its uncommitted rename.
    const read = nameOf(db, { id: 'u1' });
    const write = rename(db, { id: 'u1', name: '已改' });
    release();
    expect(await rolledBack).toBe('roll back');
    expect((await read).rows).toEqual([{ name: '枫桥派出所' }]);
    expect((await write).numAffectedRows).toBe(1n);
    expect((await nameOf(db, { id: 'u1' })).rows).toEqual([{ name: '已改' }]);
  });

  it('runs inside the transaction it is given, and rolls back with it', async () => {
    const { db } = store;
    const { nameOf, rename } = queries(db);
    await expect(
      db.transaction().execute(async (trx) => {
        expect((await rename(trx, { id: 'u1', name: '事务内' })).numAffectedRows).toBe(1n);
        expect((await nameOf(trx, { id: 'u1' })).rows).toEqual([{ name: '事务内' }]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect((await nameOf(db, { id: 'u1' })).rows).toEqual([{ name: '枫桥派出所' }]);
  });

  it('logs every run, a failure with its SQLite code, and answers a failure as a rejected promise', async () => {
    const { nameOf, insertUnit } = queries(store.db);
    const before = logged.length;
    await nameOf(store.db, { id: 'u1' });
    await insertUnit(store.db, { id: 'u2', code: 'X2' });
    expect(logged.slice(before)).toEqual([
      { failed: false, failure: undefined },
      { failed: false, failure: undefined },
    ]);
    const duplicate = insertUnit(store.db, { id: 'u2', code: 'X3' });
    await expect(duplicate).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
    expect(logged.at(-1)).toMatchObject({ failed: true });
    expect(await store.db.selectFrom('units').select('id').orderBy('id').execute()).toEqual([
      { id: 'u1' },
      { id: 'u2' },
    ]);
  });

  describe('a direct transaction', () => {
    const units = () => store.db.selectFrom('units').select(['id', 'name']).orderBy('id').execute();

    it('commits its statements together, logging BEGIN, each statement and COMMIT', async () => {
      const { rename, insertUnit } = queries(store.db);
      const before = logged.length;
      const out = directTransaction(store.db)!(() => {
        rename.now({ id: 'u1', name: '一起改' });
        insertUnit.now({ id: 'u2', code: 'X2' });
        return 'done';
      });
      expect(out).toEqual({ value: 'done' });
      expect(logged.length - before).toBe(4);
      expect(await units()).toEqual([
        { id: 'u1', name: '一起改' },
        { id: 'u2', name: '新所' },
      ]);
    });

    it('rolls back every statement when one fails, throws that failure, and logs it', async () => {
      const { rename, insertUnit } = queries(store.db);
      await insertUnit(store.db, { id: 'u2', code: 'X2' });
      expect(() =>
        directTransaction(store.db)!(() => {
          rename.now({ id: 'u1', name: '不该留下' });
          insertUnit.now({ id: 'u2', code: 'X3' });
        }),
      ).toThrow(expect.objectContaining({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' }));
      expect(logged.at(-2)).toMatchObject({ failed: true });
      expect(await units()).toEqual([
        { id: 'u1', name: '枫桥派出所' },
        { id: 'u2', name: '新所' },
      ]);
      // The connection is free again: the next one commits.
      expect(directTransaction(store.db)!(() => rename.now({ id: 'u1', name: '再改' }).numAffectedRows)).toEqual({
        value: 1n,
      });
    });

    it('steps aside while another caller’s transaction is open, and that transaction’s rollback is untouched', async () => {
      const { db } = store;
      const { rename } = queries(db);
      const { release, rolledBack } = await openRenameThenRollBack(db);
      let ran = false;
      expect(directTransaction(db)!(() => (ran = true))).toBeUndefined();
      expect(ran).toBe(false);
      // Nor does a prepared query run now inside it.
      expect(() => rename.now({ id: 'u1', name: '插队' })).toThrow('not free');
      release();
      expect(await rolledBack).toBe('roll back');
      expect(await units()).toEqual([{ id: 'u1', name: '枫桥派出所' }]);
    });

    it('refuses a body that waits, and rolls back what it wrote before', async () => {
      const { rename } = queries(store.db);
      expect(() =>
        directTransaction(store.db)!(() => {
          rename.now({ id: 'u1', name: '不该留下' });
          return Promise.resolve() as never;
        }),
      ).toThrow('must not wait');
      expect(await units()).toEqual([{ id: 'u1', name: '枫桥派出所' }]);
    });
  });
});
