import type { Kysely } from 'kysely';
import type { Actor } from '../auth/permissions.ts';
import { can } from '../auth/permissions.ts';
import { errors } from '../errors.ts';
import type { Database } from '../store/schema.ts';

/** The part of the unit tree an administrator may manage: all of it, or one station's subtree. */
export interface AdminScope {
  actor: Actor;
  /** Path prefix of the subtree (`/city/branch/station/`); '' for an admin (the whole tree). */
  prefix: string;
  /** The station a station head manages (they may rename it, not move or retire it). */
  stationId: string | null;
  /** True when a unit with this materialised path lies in the scope. */
  holds(path: string): boolean;
}

/**
 * Draws the actor's administration scope, or throws forbidden: an admin manages the whole tree, a
 * station head the subtree of the station they belong to, nobody else anything.
 */
export async function adminScope(db: Kysely<Database>, actor: Actor): Promise<AdminScope> {
  if (!can.administerOrg(actor)) throw errors.forbidden('only administrators and station heads administer');
  if (can.administerWholeTree(actor)) return { actor, prefix: '', stationId: null, holds: () => true };
  const unit = await db.selectFrom('units').select('path').where('id', '=', actor.unitId).executeTakeFirst();
  const ids = unit?.path.split('/').filter(Boolean) ?? [];
  const station = ids.length
    ? await db
        .selectFrom('units')
        .select(['id', 'path'])
        .where('id', 'in', ids)
        .where('kind', '=', 'station')
        .executeTakeFirst()
    : undefined;
  if (!station) throw errors.forbidden('you belong to no station');
  return { actor, prefix: station.path, stationId: station.id, holds: (path) => path.startsWith(station.path) };
}
