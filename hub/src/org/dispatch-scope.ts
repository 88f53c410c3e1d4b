import type { Kysely } from 'kysely';
import type { UnitKind } from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import { nearestUnitOfKind } from './org-queries.ts';

/** Units that command what lies below them: an order from a command room speaks for its station, branch or city. */
const COMMANDING_KINDS: readonly UnitKind[] = ['station', 'branch', 'city'];

/**
 * The unit subtree a person may send orders into: the nearest station, branch or city at or above
 * their own unit (a station's command room dispatches for the whole station).
 */
export async function dispatchScope(
  db: Kysely<Database>,
  unitId: string,
): Promise<{ id: string; path: string; name: string } | undefined> {
  const unit = await nearestUnitOfKind(db, unitId, COMMANDING_KINDS);
  return unit && { id: unit.id, path: unit.path, name: unit.name };
}
