import type { Role } from '@fengqiao/hub/protocol';

/**
 * Which roles use which screens. These mirror the hub's permissions (`can.issueOrders`,
 * `can.receiveOrders`); the hub still decides every request, so a mismatch only shows or hides a link.
 */
const DISPATCH_ROLES: readonly Role[] = ['dispatcher', 'station_head', 'admin'];
const RECEIVING_ROLES: readonly Role[] = ['station_head', 'dispatcher', 'officer', 'auxiliary', 'grid_worker'];

/** May send orders, watch their boards and keep the incident register (指挥台, 警情登记). */
export function canDispatch(role: Role): boolean {
  return DISPATCH_ROLES.includes(role);
}

/** Receives orders and acts on them (我的指令). */
export function canReceive(role: Role): boolean {
  return RECEIVING_ROLES.includes(role);
}
