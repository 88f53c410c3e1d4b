import type { Kysely } from 'kysely';
import type { AdminPersonView } from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';

/** The view of people the admin pages show (new rows are made in account/person-row.ts). */

type Db = Kysely<Database>;

/** The admin pages' view of people, by id, in the order asked. */
export async function personViews(db: Db, ids: string[]): Promise<AdminPersonView[]> {
  if (ids.length === 0) return [];
  const rows = await personQuery(db).where('users.id', 'in', ids).execute();
  const byId = new Map(rows.map((r) => [r.id, toPersonView(r)]));
  return ids.map((id) => byId.get(id)).filter((v): v is AdminPersonView => v !== undefined);
}

/** People with their unit, as listed by the admin pages (filters added by the caller). */
export function personQuery(db: Db) {
  return db
    .selectFrom('users')
    .innerJoin('units', 'units.id', 'users.unit_id')
    .select([
      'users.id',
      'users.login',
      'users.name',
      'users.display_name',
      'users.rank',
      'users.role',
      'users.unit_id',
      'units.name as unit_name',
      'units.path as unit_path',
      'users.phone',
      'users.disabled_at',
      'users.password_change_required',
    ])
    .where('users.deleted_at', 'is', null)
    .where('users.role', '!=', 'bot');
}
type PersonRow = Awaited<ReturnType<ReturnType<typeof personQuery>['executeTakeFirstOrThrow']>>;

export function toPersonView(r: PersonRow): AdminPersonView {
  return {
    id: r.id,
    login: r.login,
    name: r.name,
    rank: r.rank,
    role: r.role,
    unitId: r.unit_id,
    unitName: r.unit_name,
    phone: r.phone,
    disabled: r.disabled_at !== null,
    passwordChangeRequired: r.password_change_required === 1,
  };
}
