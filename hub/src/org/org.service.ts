import type { Kysely, Selectable } from 'kysely';
import type { MeView, UnitView } from '../protocol/index.ts';
import type { Person, UserRow } from '../auth/people.ts';
import type { Database, UnitTable } from '../store/schema.ts';

export type { Person, UserRow };
const PERSON_COLUMNS = [
  'id',
  'login',
  'name',
  'display_name',
  'role',
  'rank',
  'unit_id',
  'phone',
  'disabled_at',
  'created_at',
  'updated_at',
  'password_change_required',
  'password_expires_at',
  'deleted_at',
] as const;
export type UnitRow = Selectable<UnitTable>;

const toUnitView = (u: UnitRow): UnitView => ({ id: u.id, kind: u.kind, name: u.name, code: u.code });

/** Reads of the unit tree and the people in it. Writes belong to the seed and the admin routes. */
export function createOrgService(db: Kysely<Database>, opts: { timeZone: string }) {
  const getUnit = (id: string) => db.selectFrom('units').selectAll().where('id', '=', id).executeTakeFirst();

  /** Units from the root down to `unit`, using its materialised path. */
  async function unitPath(unit: UnitRow): Promise<UnitRow[]> {
    const ids = unit.path.split('/').filter(Boolean);
    const rows = await db.selectFrom('units').selectAll().where('id', 'in', ids).execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id)).filter((r): r is UnitRow => r !== undefined);
  }

  return {
    getUnit,
    unitPath,
    getUser: (id: string) => db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst(),
    /** The person without secrets: what a session or socket keeps. */
    getPerson: (id: string): Promise<Person | undefined> =>
      db.selectFrom('users').select(PERSON_COLUMNS).where('id', '=', id).executeTakeFirst(),
    getUserByLogin: (login: string) => db.selectFrom('users').selectAll().where('login', '=', login).executeTakeFirst(),

    /** True when `unitId` is `ancestorId` or lies below it. */
    async isWithin(unitId: string, ancestorId: string): Promise<boolean> {
      const unit = await getUnit(unitId);
      return unit !== undefined && unit.path.includes(`/${ancestorId}/`);
    },

    /** Which of these people are disabled or gone (their open sockets must close). */
    async inactiveAmong(userIds: string[]): Promise<string[]> {
      if (userIds.length === 0) return [];
      const rows = await db.selectFrom('users').select(['id', 'disabled_at']).where('id', 'in', userIds).execute();
      const active = new Set(rows.filter((r) => r.disabled_at === null).map((r) => r.id));
      return userIds.filter((id) => !active.has(id));
    },

    /** Role, unit and temporary-password flag of these people (the keep-alive compares them with open sockets). */
    peopleAmong: (userIds: string[]) =>
      userIds.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('users')
            .select(['id', 'role', 'unit_id', 'password_change_required'])
            .where('id', 'in', userIds)
            .execute(),

    async setDisabled(userId: string, disabled: boolean, at = Date.now()): Promise<UserRow | undefined> {
      await db
        .updateTable('users')
        .set({ disabled_at: disabled ? at : null, updated_at: at })
        .where('id', '=', userId)
        .execute();
      return db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
    },

    /** The signed-in person as the client sees them: never the password hash or phone. */
    async meView(user: Person): Promise<MeView> {
      const unit = await getUnit(user.unit_id);
      if (!unit) throw new Error(`user ${user.id} has no unit`);
      const path = await unitPath(unit);
      const duty = await db
        .selectFrom('duty_status')
        .select('on_duty')
        .where('user_id', '=', user.id)
        .executeTakeFirst();
      return {
        onDuty: duty ? duty.on_duty === 1 : null,
        id: user.id,
        login: user.login,
        name: user.name,
        displayName: user.display_name,
        role: user.role,
        rank: user.rank,
        unit: toUnitView(unit),
        unitPath: path.map(toUnitView),
        passwordChangeRequired: user.password_change_required === 1,
        timeZone: opts.timeZone,
      };
    },
  };
}
export type OrgService = ReturnType<typeof createOrgService>;
