import type { Role } from '@fengqiao/hub/protocol';

/** Where each role starts its work: an officer on their inbox, a dispatcher at the command desk. */
const HOME: Record<Role, string> = {
  admin: '/admin',
  station_head: '/hotline',
  dispatcher: '/command',
  officer: '/orders',
  auxiliary: '/orders',
  grid_worker: '/orders',
  resident: '/hotline',
  bot: '/',
};

/** The page a person lands on once they are through sign-in and any forced password change. */
export function homePath(role: Role): string {
  return HOME[role];
}
