import {
  ADMIN_ONLY_ROLES,
  DISPATCH_ROLES,
  RECEIVING_ROLES,
  STAFF_ROLES,
  type GroupMemberAction,
  type Role,
} from '../protocol/index.ts';

const DISPATCHING: readonly Role[] = DISPATCH_ROLES;
const RECEIVING: readonly Role[] = RECEIVING_ROLES;

/** Who is asking: enough of a person to decide what they may do. */
export interface Actor {
  id: string;
  role: Role;
  unitId: string;
}

/**
 * Every "may this person do this to that" decision, one function each, used by REST routes and
 * socket handlers alike. The flows add theirs here as they land.
 */
export const can = {
  /** Enable or disable accounts. */
  manageUsers: (actor: Actor): boolean => actor.role === 'admin',
  /** Set a station's escalation ladder (webhook, delays): an admin, or that station's head (`inStation`: the station is on their unit's path). */
  editEscalation: (actor: Actor, inStation: boolean): boolean =>
    actor.role === 'admin' || (actor.role === 'station_head' && inStation),
  /** Issue and revoke bot API tokens. */
  manageBotTokens: (actor: Actor): boolean => actor.role === 'admin',
  /** See who of a list of people is online: staff only; residents never learn about others. */
  queryPresence: (actor: Actor): boolean => STAFF_ROLES.includes(actor.role) || actor.role === 'bot',
  /** Write command orders: the command room, station heads, admins. Only within their dispatch scope (see org/dispatch-scope). */
  issueOrders: (actor: Actor): boolean => DISPATCHING.includes(actor.role),
  /** Receive and act on orders: sworn and auxiliary staff, grid workers; never residents or bots. */
  receiveOrders: (role: Role): boolean => RECEIVING.includes(role),
  /** Chase, amend, cancel an order, watch its board and read its timeline: its issuer, or a dispatcher whose scope holds the order's scope. */
  manageOrder: (actor: Actor, order: { issuerId: string }, scopeHoldsOrder: boolean): boolean =>
    actor.id === order.issuerId || (DISPATCHING.includes(actor.role) && scopeHoldsOrder),
  /**
   * Pin a group's notice and remove others' messages: its officers and station heads in grid, squad
   * and staff groups; a grid worker (网格员) in their own grid's group only, which they run day to day.
   */
  moderateGroup: (actor: Actor, group: { kind: string; unitId: string | null }): boolean =>
    group.kind !== 'direct' &&
    (actor.role === 'officer' ||
      actor.role === 'station_head' ||
      (actor.role === 'grid_worker' && group.kind === 'grid' && group.unitId === actor.unitId)),
  /**
   * Let waiting residents in or turn them away, mute and remove a group's residents: its officers and
   * station heads. A grid worker runs their own grid's group day to day (see moderateGroup): there
   * they let residents in, turn them away and mute them; removing a resident stays with the officers.
   */
  manageGroupMembers: (
    actor: Actor,
    group: { kind: string; unitId: string | null },
    action: GroupMemberAction,
  ): boolean =>
    group.kind !== 'direct' &&
    (actor.role === 'officer' ||
      actor.role === 'station_head' ||
      (action !== 'remove' && actor.role === 'grid_worker' && group.kind === 'grid' && group.unitId === actor.unitId)),
  /** @所有人 in a group: staff only, never residents. */
  mentionAll: (role: Role): boolean => RECEIVING.includes(role),
  /**
   * See who has and has not read staff messages in a group they belong to (已读 / 未读): staff only.
   * Residents never learn whether their neighbours read something, nor who they are beyond the
   * chat itself: a read list of a grid group would tell them who lives there and who is active.
   */
  seeReadStatus: (role: Role): boolean => STAFF_ROLES.includes(role),
  /** One-to-one conversations: between staff only (residents write to their station head through the hotline). */
  writeDirect: (from: Role, to: Role): boolean => STAFF_ROLES.includes(from) && STAFF_ROLES.includes(to),
  /** Register, assign and resolve matters raised in a group: its staff members, never residents. */
  handleMatters: (role: Role): boolean => RECEIVING.includes(role),
  /** Write to the station head (所长热线): residents, to their own station. */
  openHotlineThread: (role: Role): boolean => role === 'resident',
  /** Handle a station's hotline desk: its head, and sworn staff the head delegates to. */
  handleHotline: (role: Role): boolean => role === 'station_head' || role === 'officer' || role === 'dispatcher',
  /** Take a hotline thread assigned to them: staff of the station, never residents or bots. */
  takeHotlineThread: (role: string): boolean => (RECEIVING as readonly string[]).includes(role),
  /** Choose who else handles the station's hotline: the station head. */
  delegateHotline: (role: Role): boolean => role === 'station_head',
  /** Read hotline figures: station heads (their own stations), dispatchers, admins and report bots. */
  readHotlineFigures: (role: Role): boolean =>
    role === 'station_head' || role === 'dispatcher' || role === 'admin' || role === 'bot',
  /** Ask for and read briefings and reports: the command room, station heads, admins and bots (within their command scope); never residents. */
  viewReports: (actor: Actor): boolean => DISPATCHING.includes(actor.role) || actor.role === 'bot',
  /** Set a station's briefing time: its station head or an admin. */
  configureReports: (actor: Actor): boolean => actor.role === 'station_head' || actor.role === 'admin',
  /**
   * Administer units, people and residents (/api/admin): an admin everywhere, a station head within
   * their own station's subtree (admin/admin-scope.ts draws it); nobody else.
   */
  administerOrg: (actor: Actor): boolean => actor.role === 'admin' || actor.role === 'station_head',
  /** Create or retire top-level units (cities, branches, stations) and move a station: admins only. */
  administerWholeTree: (actor: Actor): boolean => actor.role === 'admin',
  /** Give someone a role, or manage someone holding it: a station head never makes anyone their equal or superior. */
  assignRole: (actor: Actor, role: Role): boolean => actor.role === 'admin' || !ADMIN_ONLY_ROLES.includes(role),
  /** Read the audit log: admins. */
  readAudit: (actor: Actor): boolean => actor.role === 'admin',
  /** Switch someone's duty status: their own only. */
  setDuty: (actor: Actor, userId: string): boolean => actor.id === userId && RECEIVING.includes(actor.role),
};
