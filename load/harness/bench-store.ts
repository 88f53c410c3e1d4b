import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTempPostgres } from '@fengqiao/hub/testing';
import { createSessionService } from '../../hub/src/auth/session.service.ts';
import { newId } from '../../hub/src/ids.ts';
import { seedDemoIfEmpty } from '../../hub/src/org/demo-seed.ts';
import { openStore, type Store } from '../../hub/src/store/database.ts';

/** A squad made for the bench: N officers, each with a session of their own. */
export interface Squad {
  unitId: string;
  /** One session token per officer, in the order the officers were made. */
  tokens: string[];
}

/** The store the hub nodes of one mode share, filled with what the bench needs. */
export interface BenchStore {
  dialect: Store['dialect'];
  /** What a hub node needs in its environment to open this store. */
  env: Record<string, string>;
  /** A dispatcher of the first station's command room: their scope holds the squads. */
  dispatcherToken: string;
  /** By size; the warm-up squad under key 0. */
  squads: Map<number, Squad>;
  /** How many recipients of this order the store holds as acknowledged. */
  acknowledged(orderId: string): Promise<number>;
  /** Closes the store and removes it (temp folder, PostgreSQL database). */
  dispose(): Promise<void>;
}

const SESSION_IDLE_MS = 12 * 3600_000; // the hub's default SESSION_IDLE_HOURS
const INSERT_CHUNK = 500;

/**
 * Opens a fresh store (SQLite in a temp folder, or a new PostgreSQL database), brings it to the
 * state a hub's first start leaves (migrations, demo seed: the same functions), and adds one squad
 * per size under the first station, each officer with a session made as the log-in makes them.
 * Done BEFORE any hub node starts, so the nodes' start-up (group provisioning) sees the squads.
 */
export async function prepareStore(dialect: Store['dialect'], sizes: readonly number[], warmup: number): Promise<BenchStore> {
  const dir = mkdtempSync(join(tmpdir(), 'fq-bench-'));
  const pg = dialect === 'postgres' ? await createTempPostgres() : undefined;
  let store: Store | undefined;
  const dispose = async () => {
    await store?.close().catch(() => {});
    await pg?.drop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    store = await openStore({ databaseUrl: pg?.url, dataDir: dir });
    const db = store.db;
    await seedDemoIfEmpty(db);
    const station = await db.selectFrom('units').select(['id', 'path']).where('kind', '=', 'station').orderBy('sort').executeTakeFirstOrThrow();
    const dispatcher = await db
      .selectFrom('users')
      .innerJoin('units', 'units.id', 'users.unit_id')
      .select('users.id')
      .where('users.role', '=', 'dispatcher')
      .where('units.parent_id', '=', station.id)
      .orderBy('users.id')
      .executeTakeFirstOrThrow();

    const t = Date.now();
    const tag = randomBytes(3).toString('hex');
    const squads = new Map<number, Squad>();
    const dispatcherToken = await db.transaction().execute(async (trx) => {
      const sessions = createSessionService(trx, { idleMs: SESSION_IDLE_MS });
      for (const [i, n] of [warmup, ...sizes].entries()) {
        const key = i === 0 ? 0 : n;
        if (squads.has(key)) continue;
        const unitId = newId();
        await trx
          .insertInto('units')
          .values({ id: unitId, parent_id: station.id, kind: 'squad', name: `压测中队 ${key || 'warm-up'}`, code: `BENCH-${tag}-${key}`, path: `${station.path}${unitId}/`, sort: 10_000 + i, created_at: t })
          .execute();
        const users = Array.from({ length: n }, (_, j) => ({
          id: newId(),
          login: `bench-${tag}-${key}-${j}`,
          name: `压测警员${j + 1}`,
          display_name: `压测警员${j + 1}`,
          role: 'officer' as const,
          rank: null,
          unit_id: unitId,
          phone: null,
          password_hash: null,
          disabled_at: null,
          created_at: t,
          updated_at: t,
        }));
        for (let k = 0; k < users.length; k += INSERT_CHUNK) await trx.insertInto('users').values(users.slice(k, k + INSERT_CHUNK)).execute();
        const tokens: string[] = [];
        for (const u of users) tokens.push((await sessions.create(u.id)).token);
        squads.set(key, { unitId, tokens });
      }
      return (await sessions.create(dispatcher.id)).token;
    });

    return {
      dialect,
      env: { DATA_DIR: dir, ...(pg ? { DATABASE_URL: pg.url } : { DATABASE_URL: '' }) },
      dispatcherToken,
      squads,
      async acknowledged(orderId) {
        const row = await db
          .selectFrom('order_recipients')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('order_id', '=', orderId)
          .where('state', '=', 'acknowledged')
          .executeTakeFirstOrThrow();
        return Number(row.n);
      },
      dispose,
    };
  } catch (err) {
    await dispose();
    throw err;
  }
}
