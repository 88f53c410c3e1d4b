import type { Kysely, SelectQueryBuilder } from 'kysely';
import { errors } from '../errors.ts';
import type { OrderTarget, Role } from '../protocol/index.ts';
import { can } from '../auth/permissions.ts';
import type { Database } from '../store/schema.ts';

const RECEIVING: Role[] = ['station_head', 'dispatcher', 'officer', 'auxiliary', 'grid_worker'];

/** The people an order goes to, as a query of their ids: the insert of their rows selects from it. */
export type RecipientQuery = SelectQueryBuilder<Database, 'users' | 'units', { user_id: string }>;

/**
 * Checks a dispatcher's targets and turns them into the query of the people who receive the order:
 * unit subtrees (optionally only some roles) and named people. Every target must lie inside the
 * dispatcher's scope; unknown ids and out-of-scope targets are refused, naming the target.
 * Disabled accounts, residents and bots never receive orders. The list itself is read by the
 * insert that stores it, at send time, so ten thousand ids never travel to the hub and back.
 */
export async function recipientQuery(db: Kysely<Database>, scopePath: string, targets: OrderTarget[], excludeUserId: string): Promise<RecipientQuery> {
  const subtrees: { path: string; roles: Role[] }[] = [];
  const people: string[] = [];
  for (const [i, t] of targets.entries()) {
    if (t.kind === 'unit') {
      const unit = await db.selectFrom('units').select(['id', 'path']).where('id', '=', t.unitId).executeTakeFirst();
      if (!unit) throw errors.notFound(`target ${i} (unit)`);
      if (!unit.path.startsWith(scopePath)) throw errors.forbidden(`target ${i} lies outside your command scope`);
      const roles = (t.roles ?? RECEIVING).filter((r) => can.receiveOrders(r));
      if (roles.length === 0) throw errors.invalid(`target ${i}: none of these roles receive orders`);
      subtrees.push({ path: unit.path, roles });
    } else {
      const user = await db
        .selectFrom('users')
        .innerJoin('units', 'units.id', 'users.unit_id')
        .select(['users.id', 'users.role', 'users.disabled_at', 'units.path'])
        .where('users.id', '=', t.userId)
        .executeTakeFirst();
      if (!user) throw errors.notFound(`target ${i} (person)`);
      if (!user.path.startsWith(scopePath)) throw errors.forbidden(`target ${i} lies outside your command scope`);
      if (!can.receiveOrders(user.role)) throw errors.invalid(`target ${i} cannot receive orders`);
      if (user.disabled_at !== null) throw errors.invalid(`target ${i} is disabled`);
      people.push(user.id);
    }
  }
  return db
    .selectFrom('users')
    .innerJoin('units', 'units.id', 'users.unit_id')
    .select('users.id as user_id')
    .where((eb) =>
      eb.or([
        ...subtrees.map((s) => eb.and([eb('units.path', 'like', `${s.path}%`), eb('users.role', 'in', s.roles)])),
        ...(people.length ? [eb('users.id', 'in', people)] : []),
      ]),
    )
    .where('users.disabled_at', 'is', null)
    .where('users.id', '!=', excludeUserId);
}
