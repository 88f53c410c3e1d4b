import type { Insertable } from 'kysely';
import { hashTemporaryPassword } from '../auth/password.ts';
import { newId } from '../ids.ts';
import type { Role } from '../protocol/index.ts';
import type { UserTable } from '../store/schema.ts';
import { TEMPORARY_PASSWORD_TTL_MS, temporaryPassword } from './temporary-password.ts';

/** The row of a new account, made by the first-administrator set-up and by administration alike. */

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
