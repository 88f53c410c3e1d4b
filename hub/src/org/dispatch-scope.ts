import type { Kysely } from 'kysely';
import type { UnitKind } from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';

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
  const unit = await db.selectFrom('units').select(['path']).where('id', '=', unitId).executeTakeFirst();
  if (!unit) return undefined;
  const ids = unit.path.split('/').filter(Boolean);
  const rows = await db.selectFrom('units').select(['id', 'path', 'name', 'kind']).where('id', 'in', ids).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const id of ids.reverse()) {
    const u = byId.get(id);
    if (u && COMMANDING_KINDS.includes(u.kind)) return { id: u.id, path: u.path, name: u.name };
  }
  return undefined;
}
