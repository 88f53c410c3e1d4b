import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { seedDemo } from '../src/org/demo-seed.ts';
import { openStore, type Store } from '../src/store/database.ts';
import type { storeDialects } from './services.ts';

type Dialect = Awaited<ReturnType<typeof storeDialects>>[number];

/**
 * A demo-seeded store of this dialect for the enclosing `describe`: opened before its tests,
 * closed and dropped after them. Returns a getter, as the store exists only once `beforeAll` ran.
 */
export function seededStore(dialect: Dialect, prefix: string): () => Store {
  let store: Store | undefined;
  let drop: (() => Promise<void>) | undefined;
  const dir = mkdtempSync(join(tmpdir(), `fq-${prefix}-`));
  beforeAll(async () => {
    const target = await dialect.databaseUrl();
    drop = target.drop;
    store = await openStore({ databaseUrl: target.url, dataDir: dir });
    await seedDemo(store.db);
  });
  afterAll(async () => {
    await store?.close();
    await drop?.();
    rmSync(dir, { recursive: true, force: true });
  });
  return () => store!;
}
