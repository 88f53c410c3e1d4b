import { randomBytes } from 'node:crypto';
import { createSessionService } from '../../hub/src/auth/session.service.ts';
import { provisionGroups } from '../../hub/src/groups/group-provisioning.ts';
import type { Store } from '../../hub/src/store/database.ts';
import { addBenchSquad, openSeededStore } from './seeded-store.ts';

/** One bench group: its members' session tokens (the measured clients) and a poster's. */
export interface BenchGroup {
  groupId: string;
  /** One token per member, in the order the members were made. */
  tokens: string[];
  /** A further member who posts the messages the others miss during the reconnect storm. */
  posterToken: string;
}

/** The store a groups run uses: `groups` squads of `members` officers, each squad with its group. */
export interface GroupStore {
  dialect: Store['dialect'];
  /** What a hub node needs in its environment to open this store. */
  env: Record<string, string>;
  groups: BenchGroup[];
  /** Per group, its last seq and how many messages it holds; for the bench's final check. */
  counts(): Promise<Map<string, { lastSeq: number; messages: number; distinctSeqs: number }>>;
  /** Closes the store and removes it (temp folder, PostgreSQL database). */
  dispose(): Promise<void>;
}

const SESSION_IDLE_MS = 12 * 3600_000; // the hub's default SESSION_IDLE_HOURS

/**
 * A fresh seeded store (seeded-store.ts) with `groups` squads of `members` + 1 officers under the
 * first station, each officer with a session made as the log-in makes them, and the squads'
 * groups provisioned with the hub's own `provisionGroups` (as a hub start would). Done before any
 * hub node starts.
 */
export function prepareGroupStore(dialect: Store['dialect'], groups: number, members: number): Promise<GroupStore> {
  return openSeededStore(dialect, 'fq-bench-groups-', async ({ store, station, env, dispose }) => {
    const db = store.db;
    const t = Date.now();
    const tag = randomBytes(3).toString('hex');
    const made = await db.transaction().execute(async (trx) => {
      const sessions = createSessionService(trx, { idleMs: SESSION_IDLE_MS });
      const out: { unitId: string; tokens: string[] }[] = [];
      for (let g = 0; g < groups; g += 1) {
        const { unitId, userIds } = await addBenchSquad(trx, station, {
          name: `压测群 ${g + 1}`,
          code: `BENCH-G-${tag}-${g}`,
          sort: 20_000 + g,
          size: members + 1,
          officer: (j) => `群${g + 1}成员${j + 1}`,
          login: (j) => `bench-g-${tag}-${g}-${j}`,
          at: t,
        });
        const tokens: string[] = [];
        for (const id of userIds) tokens.push((await sessions.create(id)).token);
        out.push({ unitId, tokens });
      }
      return out;
    });
    await provisionGroups(db, t);
    const groupOf = new Map(
      (
        await db
          .selectFrom('groups')
          .select(['id', 'unit_id'])
          .where('kind', '=', 'squad')
          .where(
            'unit_id',
            'in',
            made.map((m) => m.unitId),
          )
          .execute()
      ).map((r) => [r.unit_id, r.id]),
    );

    return {
      dialect,
      env,
      groups: made.map(({ unitId, tokens }) => ({
        groupId: groupOf.get(unitId)!,
        tokens: tokens.slice(0, members),
        posterToken: tokens[members]!,
      })),
      async counts() {
        const ids = [...groupOf.values()];
        const rows = await db
          .selectFrom('groups as g')
          .leftJoin('messages as m', 'm.group_id', 'g.id')
          .select(['g.id', 'g.last_seq'])
          .select((eb) => [eb.fn.count<number>('m.id').as('n'), eb.fn.count<number>('m.seq').distinct().as('c')])
          .where('g.id', 'in', ids)
          .groupBy(['g.id', 'g.last_seq'])
          .execute();
        return new Map(
          rows.map((r) => [r.id, { lastSeq: Number(r.last_seq), messages: Number(r.n), distinctSeqs: Number(r.c) }]),
        );
      },
      dispose,
    };
  });
}
