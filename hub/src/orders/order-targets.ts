import type { Kysely, SelectQueryBuilder } from 'kysely';
import { errors } from '../errors.ts';
import type { OrderTarget, Role } from '../protocol/index.ts';
import { can } from '../auth/permissions.ts';
import { peopleQuery, personById, unitById, unitsWithin } from '../org/org-queries.ts';
import type { Database } from '../store/schema.ts';

const RECEIVING: Role[] = ['station_head', 'dispatcher', 'officer', 'auxiliary', 'grid_worker'];

/**
 * The people an order goes to, twice over: `query` selects their ids for the insert that stores
 * them (the truth: sync and receipts read those rows); `audience` says the same in terms of units
 * and roles, for the live fan-out, so that an order to a squad of 10,000 reaches a few rooms
 * rather than 10,000 personal ones. Both exclude the sender; disabled accounts have no sockets.
 */
export interface Recipients {
  query: SelectQueryBuilder<Database, 'users' | 'units', { user_id: string }>;
  audience: Audience;
}

export interface Audience {
  /** Everyone of these roles whose own unit is one of these (the units of a subtree). */
  units: { unitIds: string[]; roles: Role[] }[];
  people: string[];
  except: string;
}

/**
 * Checks a dispatcher's targets and turns them into the recipients of the order: unit subtrees
 * (optionally only some roles) and named people. Every target must lie inside the dispatcher's
 * scope; unknown ids and out-of-scope targets are refused, naming the target. Disabled accounts,
 * residents and bots never receive orders. The list itself is read by the insert that stores it,
 * at send time, so ten thousand ids never travel to the hub and back.
 */
export async function resolveRecipients(
  db: Kysely<Database>,
  scopePath: string,
  targets: OrderTarget[],
  excludeUserId: string,
): Promise<Recipients> {
  const subtrees: { path: string; roles: Role[] }[] = [];
  const audience: Audience = { units: [], people: [], except: excludeUserId };
  for (const [i, t] of targets.entries()) {
    if (t.kind === 'unit') {
      const unit = await unitById(db, t.unitId);
      if (!unit) throw errors.notFound(`target ${i} (unit)`);
      if (!unit.path.startsWith(scopePath)) throw errors.forbidden(`target ${i} lies outside your command scope`);
      const roles = (t.roles ?? RECEIVING).filter((r) => can.receiveOrders(r));
      if (roles.length === 0) throw errors.invalid(`target ${i}: none of these roles receive orders`);
      subtrees.push({ path: unit.path, roles });
      const units = await unitsWithin(db, unit.path);
      audience.units.push({ unitIds: units.map((u) => u.id), roles });
    } else {
      const user = await personById(db, t.userId);
      if (!user) throw errors.notFound(`target ${i} (person)`);
      if (!user.unit_path.startsWith(scopePath)) throw errors.forbidden(`target ${i} lies outside your command scope`);
      if (!can.receiveOrders(user.role)) throw errors.invalid(`target ${i} cannot receive orders`);
      if (user.disabled_at !== null) throw errors.invalid(`target ${i} is disabled`);
      audience.people.push(user.id);
    }
  }
  const query = peopleQuery(db, { subtrees, people: audience.people, except: excludeUserId });
  return { query, audience };
}
