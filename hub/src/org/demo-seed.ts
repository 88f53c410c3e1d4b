import type { Insertable, Kysely } from 'kysely';
import { monotonicFactory } from 'ulid';
import { hashPassword } from '../auth/password.ts';
import type { Role, UnitKind } from '../protocol/index.ts';
import type { Database, UnitTable, UserTable } from '../store/schema.ts';
import { GIVEN_NAMES, RANKS, SURNAMES } from './demo-names.ts';
import { mulberry32 } from './demo-random.ts';

/** Every demo account's password; printed at start-up and shown on the log-in page of a demo hub. */
export const DEMO_PASSWORD = 'fengqiao2026';

interface StationPlan {
  name: string;
  code: string;
  communities: string[];
}

/** One city bureau, two branches, three stations modelled on the reports in domain.md. */
const CITY = { name: '滨海市公安局', code: 'BH' };
const BRANCHES: { name: string; code: string; stations: StationPlan[] }[] = [
  {
    name: '中山分局',
    code: 'ZS',
    stations: [
      { name: '桃源派出所', code: 'TY', communities: ['桃源社区', '长春社区', '友好社区', '海港社区'] },
      { name: '海昌派出所', code: 'HC', communities: ['海昌社区', '民主社区', '青泥社区'] },
    ],
  },
  {
    name: '新城分局',
    code: 'XC',
    stations: [
      { name: '新城派出所', code: 'XC', communities: ['新城社区', '天山社区', '孔雀河社区', '建设社区', '团结社区'] },
    ],
  },
];
const GRIDS_PER_COMMUNITY = 2;
const RESIDENTS_PER_GRID = 8;
const BASE_TIME = Date.UTC(2026, 0, 1);

/** Writes the demo organisation, people and bot into an empty store. Returns how many people it made. */
export async function seedDemo(db: Kysely<Database>): Promise<{ units: number; users: number }> {
  const rand = mulberry32(20260101);
  const id = monotonicFactory(rand);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const usedNames = new Set<string>();
  const personName = () => {
    for (;;) {
      const n = pick(SURNAMES) + pick(GIVEN_NAMES);
      if (!usedNames.has(n)) return (usedNames.add(n), n);
    }
  };

  const units: Insertable<UnitTable>[] = [];
  const users: Insertable<UserTable>[] = [];
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  let badge = 100000;
  let phone = 13900000000;
  let sort = 0;

  const unit = (parent: Insertable<UnitTable> | null, kind: UnitKind, name: string, code: string) => {
    const uid = id(BASE_TIME);
    const row: Insertable<UnitTable> = {
      id: uid,
      parent_id: parent?.id ?? null,
      kind,
      name,
      code,
      path: `${parent?.path ?? '/'}${uid}/`,
      sort: sort++,
      created_at: BASE_TIME,
    };
    units.push(row);
    return row;
  };
  const person = (
    u: Insertable<UnitTable>,
    role: Role,
    rank: string | null,
    opts: { login?: string; name?: string; title?: string } = {},
  ) => {
    const name = opts.name ?? personName();
    const isResident = role === 'resident';
    const login = opts.login ?? (isResident ? String(++phone) : String(++badge));
    users.push({
      id: id(BASE_TIME),
      login,
      name,
      display_name: opts.title ? `${name}（${opts.title}）` : name,
      role,
      rank,
      unit_id: u.id,
      phone: isResident ? login : null,
      password_hash: role === 'bot' ? null : passwordHash,
      disabled_at: null,
      created_at: BASE_TIME,
      updated_at: BASE_TIME,
    });
  };

  const city = unit(null, 'city', CITY.name, CITY.code);
  person(city, 'admin', null, { login: 'admin', name: '系统管理员' });
  person(unit(city, 'command_room', '市局指挥中心', `${CITY.code}-ZH`), 'dispatcher', RANKS.senior, {
    title: '市局指挥中心',
  });
  person(city, 'bot', null, { login: 'bot-briefing', name: '早会简报机器人' });

  for (const b of BRANCHES) {
    const branch = unit(city, 'branch', b.name, `${CITY.code}-${b.code}`);
    person(unit(branch, 'command_room', `${b.name}指挥室`, `${branch.code}-ZH`), 'dispatcher', RANKS.mid);
    for (const s of b.stations) {
      const station = unit(branch, 'station', s.name, `${branch.code}-${s.code}`);
      person(station, 'station_head', RANKS.head, { title: '所长' });
      const command = unit(station, 'command_room', '勤务管理指挥室', `${station.code}-ZH`);
      person(command, 'dispatcher', RANKS.senior);
      person(command, 'dispatcher', RANKS.junior);
      const community = unit(station, 'squad', '社区警务中队', `${station.code}-SQ`);
      person(community, 'officer', RANKS.senior, { title: '中队长' });
      const cases = unit(station, 'squad', '案件打处中队', `${station.code}-AJ`);
      person(cases, 'officer', RANKS.senior, { title: '中队长' });
      person(cases, 'officer', RANKS.mid);
      person(cases, 'officer', RANKS.junior);
      person(cases, 'auxiliary', RANKS.auxiliary);
      s.communities.forEach((communityName, ci) => {
        const c = unit(station, 'community', communityName, `${station.code}-C${ci + 1}`);
        person(c, 'officer', RANKS.mid, { title: '社区民警' });
        person(c, 'auxiliary', RANKS.auxiliary);
        for (let g = 1; g <= GRIDS_PER_COMMUNITY; g++) {
          const grid = unit(c, 'grid', `${communityName}第${'一二三四五'[g - 1]}网格`, `${c.code}-G${g}`);
          person(grid, 'grid_worker', null);
          for (let r = 0; r < RESIDENTS_PER_GRID; r++) person(grid, 'resident', null);
        }
      });
    }
  }

  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < units.length; i += 200)
      await trx
        .insertInto('units')
        .values(units.slice(i, i + 200))
        .execute();
    for (let i = 0; i < users.length; i += 200)
      await trx
        .insertInto('users')
        .values(users.slice(i, i + 200))
        .execute();
  });
  return { units: units.length, users: users.length };
}

/** True when the store holds the demo organisation: its city bureau is there, with accounts of a published password. */
export async function holdsDemoData(db: Kysely<Database>): Promise<boolean> {
  const city = await db
    .selectFrom('units')
    .select('id')
    .where('code', '=', CITY.code)
    .where('name', '=', CITY.name)
    .executeTakeFirst();
  return city !== undefined;
}

/**
 * Seeds only when the store holds no units yet, so a restart reuses what is there. Two nodes
 * starting together on one PostgreSQL race here; the loser's transaction fails on the unique
 * ids and it goes on with the winner's data.
 */
export async function seedDemoIfEmpty(db: Kysely<Database>): Promise<{ units: number; users: number } | null> {
  const hasUnits = async () => (await db.selectFrom('units').select('id').limit(1).executeTakeFirst()) !== undefined;
  if (await hasUnits()) return null;
  try {
    return await seedDemo(db);
  } catch (err) {
    if (await hasUnits()) return null;
    throw err;
  }
}
