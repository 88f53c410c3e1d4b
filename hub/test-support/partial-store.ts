import { Migrator } from 'kysely';
import { openStore, type StoreOptions } from '../src/store/database.ts';
import { migrationProvider } from '../src/store/migrations/index.ts';

/** Creates a store whose schema stops at `lastMigration`, as an older hub version left it. */
export async function createOutdatedStore(opts: StoreOptions, lastMigration: string): Promise<void> {
  const store = await openStore({ ...opts, migrate: 'manual' });
  try {
    const migrator = new Migrator({ db: store.db, provider: migrationProvider, allowUnorderedMigrations: true });
    const { error } = await migrator.migrateTo(lastMigration);
    if (error) throw error;
  } finally {
    await store.close();
  }
}
