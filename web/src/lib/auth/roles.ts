import {
  DISPATCH_ROLES,
  RECEIVING_ROLES,
  ROLES,
  STAFF_ROLES,
  type GroupMemberAction,
  type Role,
} from '@fengqiao/hub/protocol';

/*
 * Which roles use which screens. These mirror the hub's permissions (`can.issueOrders`,
 * `can.receiveOrders`, `can.moderateGroup`, `can.manageGroupMembers`) over the protocol's role lists; the hub still decides
 * every request, so a mismatch only shows or hides a control.
 */

/** Whether `role` is one of `roles` (the protocol's lists are narrower tuples than `Role[]`). */
function among(roles: readonly Role[], role: Role): boolean {
  return roles.includes(role);
}

/** May send orders, watch their boards and keep the incident register (指挥台, 警情登记). */
export function canDispatch(role: Role): boolean {
  return among(DISPATCH_ROLES, role);
}

/** Manages units, people, residents and the audit log (管理后台): admins, and station heads for their station. */
export function canAdminister(role: Role): boolean {
  return role === 'admin' || role === 'station_head';
}

/** Receives orders and acts on them (我的指令). */
export function canReceive(role: Role): boolean {
  return among(RECEIVING_ROLES, role);
}

/** Registers and handles matters raised in a group (登记问题): its staff, never residents. */
export function canHandleMatters(role: Role): boolean {
  return among(RECEIVING_ROLES, role);
}

/** Mentions everyone in a group (@所有人): staff, never residents. */
export function canMentionAll(role: Role): boolean {
  return among(RECEIVING_ROLES, role);
}

/** Writes one-to-one (私聊) to a colleague: staff only, on both ends (residents use the hotline). */
export function canWriteDirect(role: Role): boolean {
  return among(STAFF_ROLES, role);
}

/** Sees how many have read staff messages and who (3人未读): staff only (`can.seeReadStatus`). */
export function canSeeReadStatus(role: Role): boolean {
  return among(STAFF_ROLES, role);
}

/**
 * Pins the notice and removes anyone's message (移除) in a group that is not a direct chat:
 * officers and station heads; a grid worker (网格员) in their own grid's group only.
 */
export function canModerate(
  me: { role: Role; unitId: string },
  group: { kind: string; unitId: string | null },
): boolean {
  if (group.kind === 'direct') return false;
  if (me.role === 'grid_worker') return group.kind === 'grid' && group.unitId === me.unitId;
  return me.role === 'officer' || me.role === 'station_head';
}

/**
 * Lets waiting residents in or turns them away, mutes (禁言) and removes residents: officers and
 * station heads; a grid worker in their own grid's group, except removing.
 */
export function canManageMembers(
  me: { role: Role; unitId: string },
  group: { kind: string; unitId: string | null },
  action: GroupMemberAction,
): boolean {
  if (group.kind === 'direct') return false;
  if (me.role === 'grid_worker') return action !== 'remove' && canModerate(me, group);
  return me.role === 'officer' || me.role === 'station_head';
}

/**
 * Uses the station-head hotline (所长热线): residents write; station staff work the desk or the
 * threads assigned to them (`can.openHotlineThread`, `can.takeHotlineThread`).
 */
export function usesHotline(role: Role): boolean {
  return role === 'resident' || among(RECEIVING_ROLES, role);
}

/** Narrows a role that arrives as a plain string (a message's sender) to a known role. */
export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
