import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTempPostgres } from '@fengqiao/hub/test-support';
import { newId } from '../../hub/src/ids.ts';
import { seedHotlineDemo } from '../../hub/src/hotline/hotline-demo-seed.ts';
import { seedDemoIfEmpty } from '../../hub/src/org/demo-seed.ts';
import { openStore, type Store } from '../../hub/src/store/database.ts';

const INSERT_CHUNK = 500;

/** A bench's own store, as a hub's first start leaves it, and what a hub node needs to open it. */
export interface SeededStore {
  store: Store;
  /** The first demo station: the benches' squads go under it. */
  station: { id: string; path: string };
  /** DATA_DIR and DATABASE_URL for a hub node on this store. */
  env: Record<string, string>;
  /** Closes the store and removes it (temp folder, PostgreSQL database). */
  dispose(): Promise<void>;
}

/**
 * Opens a fresh store (SQLite in a temp folder, or a new PostgreSQL database) and brings it to the
 * state a hub's first start leaves: migrations and the demo seed, by the hub's own functions.
 * `fill` adds the bench's people; if it throws, the store is removed before the error goes on.
 */
export async function openSeededStore<T>(
  dialect: Store['dialect'],
  folderPrefix: string,
  fill: (seeded: SeededStore) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), folderPrefix));
  const pg = dialect === 'postgres' ? await createTempPostgres() : undefined;
  let store: Store | undefined;
  const dispose = async () => {
    await store?.close().catch(() => {});
    await pg?.drop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    store = await openStore({ databaseUrl: pg?.url, dataDir: dir });
    if (await seedDemoIfEmpty(store.db)) await seedHotlineDemo(store.db);
    const station = await store.db
      .selectFrom('units')
      .select(['id', 'path'])
      .where('kind', '=', 'station')
      .orderBy('sort')
      .executeTakeFirstOrThrow();
    return await fill({ store, station, env: { DATA_DIR: dir, DATABASE_URL: pg?.url ?? '' }, dispose });
  } catch (err) {
    await dispose();
    throw err;
  }
}

/** Adds a squad under `parent` with officers named `officer(j)` and logins `login(j)`; answers their ids in order. */
export async function addBenchSquad(
  trx: Store['db'],
  parent: { id: string; path: string },
  squad: {
    name: string;
    code: string;
    sort: number;
    size: number;
    officer: (j: number) => string;
    login: (j: number) => string;
    at: number;
  },
): Promise<{ unitId: string; userIds: string[] }> {
  const unitId = newId();
  await trx
    .insertInto('units')
    .values({
      id: unitId,
      parent_id: parent.id,
      kind: 'squad',
      name: squad.name,
      code: squad.code,
      path: `${parent.path}${unitId}/`,
      sort: squad.sort,
      created_at: squad.at,
    })
    .execute();
  const users = Array.from({ length: squad.size }, (_, j) => ({
    id: newId(),
    login: squad.login(j),
    name: squad.officer(j),
    display_name: squad.officer(j),
    role: 'officer' as const,
    rank: null,
    unit_id: unitId,
    phone: null,
    password_hash: null,
    disabled_at: null,
    created_at: squad.at,
    updated_at: squad.at,
  }));
  for (let k = 0; k < users.length; k += INSERT_CHUNK)
    await trx
      .insertInto('users')
      .values(users.slice(k, k + INSERT_CHUNK))
      .execute();
  return { unitId, userIds: users.map((u) => u.id) };
}
