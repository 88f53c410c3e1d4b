import { randomBytes } from 'node:crypto';
import { createSessionService } from '../../hub/src/auth/session.service.ts';
import type { Store } from '../../hub/src/store/database.ts';
import { addBenchSquad, openSeededStore } from './seeded-store.ts';

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

/**
 * A fresh seeded store (seeded-store.ts) with one squad per size under the first station, each
 * officer with a session made as the log-in makes them. Done BEFORE any hub node starts, so the
 * nodes' start-up (group provisioning) sees the squads.
 */
export function prepareStore(dialect: Store['dialect'], sizes: readonly number[], warmup: number): Promise<BenchStore> {
  return openSeededStore(dialect, 'fq-bench-', async ({ store, station, env, dispose }) => {
    const db = store.db;
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
        const { unitId, userIds } = await addBenchSquad(trx, station, {
          name: `压测中队 ${key || 'warm-up'}`,
          code: `BENCH-${tag}-${key}`,
          sort: 10_000 + i,
          size: n,
          officer: (j) => `压测警员${j + 1}`,
          login: (j) => `bench-${tag}-${key}-${j}`,
          at: t,
        });
        const tokens: string[] = [];
        for (const id of userIds) tokens.push((await sessions.create(id)).token);
        squads.set(key, { unitId, tokens });
      }
      return (await sessions.create(dispatcher.id)).token;
    });

    return {
      dialect,
      env,
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
  });
}
