import type { Role } from '@fengqiao/hub/protocol';
import { STAFF_ROLES } from '../auth/roles.ts';

/**
 * The roles an actor may give staff: an admin any staff role; a station head none of the roles
 * that manage (admin, station head). The hub enforces the same and answers `forbidden`.
 */
export function assignableRoles(actor: Role): Role[] {
  if (actor === 'admin') return [...STAFF_ROLES];
  if (actor === 'station_head') return STAFF_ROLES.filter((r) => r !== 'admin' && r !== 'station_head');
  return [];
}
