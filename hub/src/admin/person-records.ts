import type { Insertable, Kysely } from 'kysely';
import { hashTemporaryPassword } from '../auth/password.ts';
import { TEMPORARY_PASSWORD_TTL_MS, temporaryPassword } from '../account/temporary-password.ts';
import { newId } from '../ids.ts';
import type { AdminPersonView, Role } from '../protocol/index.ts';
import type { Database, UserTable } from '../store/schema.ts';

/**
 * The people records administration writes (admin/ owns these writes of `users`): new rows, the
 * view the admin pages show, and the temporary-password columns.
 */

type Db = Kysely<Database>;

/** A person to create; the password is either a hash chosen by them (set-up) or a temporary one made here. */
export interface NewPerson {
  login: string;
  name: string;
  rank?: string | null | undefined;
  role: Role;
  unitId: string;
  phone?: string | null | undefined;
}

/** The columns a temporary password sets: it must be changed at next log-in and stops working after the TTL. */
export async function temporaryPasswordColumns(at: number) {
  const password = temporaryPassword();
  return {
    password,
    columns: {
      password_hash: await hashTemporaryPassword(password),
      password_change_required: 1,
      password_expires_at: at + TEMPORARY_PASSWORD_TTL_MS,
    },
  };
}

/** The row of a new person; `password` columns from temporaryPasswordColumns or a chosen hash. */
export function personRow(
  p: NewPerson,
  password: { password_hash: string; password_change_required: number; password_expires_at: number | null },
  at: number,
): Insertable<UserTable> {
  return {
    id: newId(),
    login: p.login,
    name: p.name,
    display_name: p.name,
    role: p.role,
    rank: p.rank ?? null,
    unit_id: p.unitId,
    phone: p.phone ?? null,
    disabled_at: null,
    created_at: at,
    updated_at: at,
    ...password,
  };
}

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
