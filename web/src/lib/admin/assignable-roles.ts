import type { Role, UnitKind } from '@fengqiao/hub/protocol';
import { STAFF_ROLES } from '@fengqiao/hub/protocol';

/**
 * Which roles a person may hold in a unit of each kind: the protocol's `UNIT_ROLES`, copied (a unit
 * test holds them equal) because a value import from the protocol would ship zod to phones.
 */
export const UNIT_ROLES: Record<UnitKind, readonly Role[]> = {
  city: ['admin', 'bot'],
  branch: ['admin'],
  station: ['station_head'],
  command_room: ['dispatcher', 'officer', 'auxiliary'],
  squad: ['officer', 'auxiliary'],
  community: ['officer', 'auxiliary', 'grid_worker'],
  grid: ['grid_worker', 'officer', 'auxiliary', 'resident'],
};

/** Roles only an administrator gives (the protocol's `ADMIN_ONLY_ROLES`): a station head makes no equal or superior. */
export const ADMIN_ONLY_ROLES: readonly Role[] = ['admin', 'station_head'];

/**
 * The staff roles an actor may give, narrowed to those that fit the unit's kind when one is
 * chosen. Residents come through registration, bots through tokens: neither is offered. The hub
 * enforces the same (`forbidden`, `role_unit_mismatch`).
 */
export function assignableRoles(actor: Role, unitKind?: UnitKind): Role[] {
  if (actor !== 'admin' && actor !== 'station_head') return [];
  const mine = actor === 'admin' ? STAFF_ROLES : STAFF_ROLES.filter((r) => !ADMIN_ONLY_ROLES.includes(r));
  return unitKind ? mine.filter((r) => UNIT_ROLES[unitKind].includes(r)) : [...mine];
}
