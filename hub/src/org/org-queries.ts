import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';

/**
 * Named reads of the unit tree and the people in it (`units`, `users`) for the other modules.
 * Only the org module (and its administration) writes these tables; a schema change has this
 * file to look at.
 */

/** A person's id, name, role, unit and whether they are disabled; undefined when there is no such person. */
export function personById(db: Kysely<Database>, userId: string) {
  return db
    .selectFrom('users')
    .select(['id', 'name', 'role', 'unit_id', 'disabled_at'])
    .where('id', '=', userId)
    .executeTakeFirst();
}
