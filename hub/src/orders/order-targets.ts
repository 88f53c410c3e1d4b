import type { Kysely } from 'kysely';
import { errors } from '../errors.ts';
import type { OrderTarget, Role } from '../protocol/index.ts';
import { can } from '../auth/permissions.ts';
import type { Database } from '../store/schema.ts';

const RECEIVING: Role[] = ['station_head', 'dispatcher', 'officer', 'auxiliary', 'grid_worker'];

/**
 * Resolves a dispatcher's targets to the people who receive the order, at send time: unit
 * subtrees (optionally only some roles), and named people. Every target must lie inside the
 * dispatcher's scope; unknown ids and out-of-scope targets are refused, naming the target.
 * Disabled accounts, residents and bots never receive orders.
 */
export async function resolveTargets(
  db: Kysely<Database>,
  scopePath: string,
  targets: OrderTarget[],
  excludeUserId: string,
): Promise<string[]> {
  const recipients = new Set<string>();
  for (const [i, t] of targets.entries()) {
    if (t.kind === 'unit') {
      const unit = await db.selectFrom('units').select(['id', 'path']).where('id', '=', t.unitId).executeTakeFirst();
      if (!unit) throw errors.notFound(`target ${i} (unit)`);
      if (!unit.path.startsWith(scopePath)) throw errors.forbidden(`target ${i} lies outside your command scope`);
      const roles = (t.roles ?? RECEIVING).filter((r) => can.receiveOrders(r));
      if (roles.length === 0) throw errors.invalid(`target ${i}: none of these roles receive orders`);
      const rows = await db
        .selectFrom('users')
        .innerJoin('units', 'units.id', 'users.unit_id')
        .select('users.id')
        .where('units.path', 'like', `${unit.path}%`)
        .where('users.role', 'in', roles)
        .where('users.disabled_at', 'is', null)
        .execute();
      for (const r of rows) recipients.add(r.id);
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
      recipients.add(user.id);
    }
  }
  recipients.delete(excludeUserId);
  if (recipients.size === 0) throw errors.invalid('the targets hold nobody who can receive this order');
  return [...recipients];
}
