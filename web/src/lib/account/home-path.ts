import type { Role } from '@fengqiao/hub/protocol';

/**
 * Where each role starts its work: an officer on their orders, a dispatcher at the command board,
 * a station head on the overview of what is open and late, an administrator in administration.
 */
const HOME: Record<Role, string> = {
  admin: '/admin',
  station_head: '/',
  dispatcher: '/command',
  officer: '/orders',
  auxiliary: '/orders',
  grid_worker: '/orders',
  resident: '/hotline',
  bot: '/account',
};

/** The page a person lands on once they are through sign-in and any forced password change. */
export function homePath(role: Role): string {
  return HOME[role];
}
