import type { Role } from '@fengqiao/hub/protocol';

/**
 * Which roles use which screens. These mirror the hub's permissions (`can.issueOrders`,
 * `can.receiveOrders`, `can.moderateGroup`); the hub still decides every request, so a mismatch
 * only shows or hides a control. The lists equal the protocol's `ROLES`, `DISPATCH_ROLES` and
 * `RECEIVING_ROLES`, `STAFF_ROLES` (a unit test holds them equal); they are copied because the protocol exports
 * them beside its zod schemas, and a value import would ship zod to every phone.
 */
/** Every role (the protocol's `ROLES`). */
export const ROLES: readonly Role[] = [
  'admin',
  'station_head',
  'dispatcher',
  'officer',
  'auxiliary',
  'grid_worker',
  'resident',
  'bot',
];
export const DISPATCH_ROLES: readonly Role[] = ['dispatcher', 'station_head', 'admin'];
export const RECEIVING_ROLES: readonly Role[] = ['station_head', 'dispatcher', 'officer', 'auxiliary', 'grid_worker'];
/** Staff, people who work for the station (the protocol's `STAFF_ROLES`). */
export const STAFF_ROLES: readonly Role[] = [
  'admin',
  'station_head',
  'dispatcher',
  'officer',
  'auxiliary',
  'grid_worker',
];

/** May send orders, watch their boards and keep the incident register (指挥台, 警情登记). */
export function canDispatch(role: Role): boolean {
  return DISPATCH_ROLES.includes(role);
}

/** Manages units, people, residents and the audit log (管理后台): admins, and station heads for their station. */
export function canAdminister(role: Role): boolean {
  return role === 'admin' || role === 'station_head';
}

/** Receives orders and acts on them (我的指令). */
export function canReceive(role: Role): boolean {
  return RECEIVING_ROLES.includes(role);
}

/** Registers and handles matters raised in a group (登记问题): its staff, never residents. */
export function canHandleMatters(role: Role): boolean {
  return RECEIVING_ROLES.includes(role);
}

/** Mentions everyone in a group (@所有人): staff, never residents. */
export function canMentionAll(role: Role): boolean {
  return RECEIVING_ROLES.includes(role);
}

/** Writes one-to-one (私聊) to a colleague: staff only, on both ends (residents use the hotline). */
export function canWriteDirect(role: Role): boolean {
  return STAFF_ROLES.includes(role);
}

/** Removes anyone's message (移除) in a group that is not a direct chat: officers and station heads. */
export function canModerate(role: Role, groupKind: string): boolean {
  return groupKind !== 'direct' && (role === 'officer' || role === 'station_head');
}

/**
 * Uses the station-head hotline (所长热线): residents write; station staff work the desk or the
 * threads assigned to them (`can.openHotlineThread`, `can.takeHotlineThread`).
 */
export function usesHotline(role: Role): boolean {
  return role === 'resident' || RECEIVING_ROLES.includes(role);
}

/** Narrows a role that arrives as a plain string (a message's sender) to a known role. */
export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
