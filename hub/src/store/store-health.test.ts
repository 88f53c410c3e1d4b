import { describe, expect, it } from 'vitest';
import { openStore } from './database.ts';
import { storeFailureCode } from './store-errors.ts';
import { createStoreHealth } from './store-health.ts';

describe('store failures', () => {
  it('are told apart from ordinary query errors, on both dialects', () => {
    const coded = (code: string, message = 'x') => Object.assign(new Error(message), { code });
    expect(storeFailureCode(coded('SQLITE_FULL'))).toBe('SQLITE_FULL');
    expect(storeFailureCode(coded('SQLITE_READONLY_DBMOVED'))).toBe('SQLITE_READONLY_DBMOVED');
    expect(storeFailureCode(coded('SQLITE_IOERR_WRITE'))).toBe('SQLITE_IOERR_WRITE');
    expect(storeFailureCode(coded('53100'))).toBe('53100');
    expect(storeFailureCode(coded('57P01'))).toBe('57P01');
    expect(storeFailureCode(new Error('wrapped', { cause: coded('ECONNREFUSED') }))).toBe('ECONNREFUSED');
    expect(storeFailureCode(new Error('driver has already been destroyed'))).toBe('store_closed');
    // A broken rule of the data is the request's problem, not the store's.
    expect(storeFailureCode(coded('SQLITE_CONSTRAINT_UNIQUE'))).toBeUndefined();
    expect(storeFailureCode(coded('23505'))).toBeUndefined();
    expect(storeFailureCode(new Error('boom'))).toBeUndefined();
  });

  it('keep the node unready for a while after one was seen, then readiness comes back by itself', async () => {
    const store = await openStore({ dataDir: '', sqliteFile: ':memory:' });
    let clock = 1_000_000;
    const health = createStoreHealth({ db: () => store.db, nodeId: 'n1', now: () => clock });
    expect(await health.check()).toEqual({ answers: true, writable: true, failure: null });

    expect(health.noteFailure(Object.assign(new Error('disk full'), { code: 'SQLITE_FULL' }))).toBe('SQLITE_FULL');
    clock += 1000;
    expect(await health.check()).toMatchObject({ answers: true, writable: false, failure: { code: 'SQLITE_FULL' } });
    clock += 10_000;
    expect(await health.check()).toEqual({ answers: true, writable: true, failure: null });
    await store.close();
  });
});
