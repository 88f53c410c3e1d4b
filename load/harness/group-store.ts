import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTempPostgres } from '@fengqiao/hub/testing';
import { createSessionService } from '../../hub/src/auth/session.service.ts';
import { provisionGroups } from '../../hub/src/groups/group-provisioning.ts';
import { newId } from '../../hub/src/ids.ts';
import { seedDemoIfEmpty } from '../../hub/src/org/demo-seed.ts';
import { openStore, type Store } from '../../hub/src/store/database.ts';

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
const INSERT_CHUNK = 500;

/**
 * Opens a fresh store, brings it to the state a hub's first start leaves (migrations, demo seed),
 * adds `groups` squads of `members` + 1 officers under the first station, each officer with a
 * session made as the log-in makes them, and provisions the squads' groups with the hub's own
 * `provisionGroups` (as a hub start would). Done before any hub node starts.
 */
export async function prepareGroupStore(dialect: Store['dialect'], groups: number, members: number): Promise<GroupStore> {
  const dir = mkdtempSync(join(tmpdir(), 'fq-bench-groups-'));
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
    const t = Date.now();
    const tag = randomBytes(3).toString('hex');
    const made = await db.transaction().execute(async (trx) => {
      const sessions = createSessionService(trx, { idleMs: SESSION_IDLE_MS });
      const out: { unitId: string; tokens: string[] }[] = [];
      for (let g = 0; g < groups; g += 1) {
        const unitId = newId();
        await trx
          .insertInto('units')
          .values({ id: unitId, parent_id: station.id, kind: 'squad', name: `压测群 ${g + 1}`, code: `BENCH-G-${tag}-${g}`, path: `${station.path}${unitId}/`, sort: 20_000 + g, created_at: t })
          .execute();
        out.push({ unitId, tokens: [] });
      }
      const users = out.flatMap(({ unitId }, g) =>
        Array.from({ length: members + 1 }, (_, j) => ({
          id: newId(),
          login: `bench-g-${tag}-${g}-${j}`,
          name: `群${g + 1}成员${j + 1}`,
          display_name: `群${g + 1}成员${j + 1}`,
          role: 'officer' as const,
          rank: null,
          unit_id: unitId,
          phone: null,
          password_hash: null,
          disabled_at: null,
          created_at: t,
          updated_at: t,
        })),
      );
      for (let k = 0; k < users.length; k += INSERT_CHUNK) await trx.insertInto('users').values(users.slice(k, k + INSERT_CHUNK)).execute();
      for (const [i, u] of users.entries()) out[Math.floor(i / (members + 1))]!.tokens.push((await sessions.create(u.id)).token);
      return out;
    });
    await provisionGroups(db, t);
    const groupOf = new Map(
      (await db.selectFrom('groups').select(['id', 'unit_id']).where('kind', '=', 'squad').where('unit_id', 'in', made.map((m) => m.unitId)).execute()).map((r) => [r.unit_id, r.id]),
    );

    return {
      dialect,
      env: { DATA_DIR: dir, ...(pg ? { DATABASE_URL: pg.url } : { DATABASE_URL: '' }) },
      groups: made.map(({ unitId, tokens }) => ({ groupId: groupOf.get(unitId)!, tokens: tokens.slice(0, members), posterToken: tokens[members]! })),
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
        return new Map(rows.map((r) => [r.id, { lastSeq: Number(r.last_seq), messages: Number(r.n), distinctSeqs: Number(r.c) }]));
      },
      dispose,
    };
  } catch (err) {
    await dispose();
    throw err;
  }
}
