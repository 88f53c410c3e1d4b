import type { Kysely } from 'kysely';
import {
  archiveConversations,
  joinMembers,
  openUnitGroup,
  renameConversation,
  setMemberStatus,
} from '../conversations/conversation-members.ts';
import { groupsOfUnits, memberStatuses } from '../conversations/conversation-queries.ts';
import { unitFamily, unitsOfKind } from '../org/org-queries.ts';
import type { GroupKind, Role, UnitKind } from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';

/**
 * The groups the unit tree implies (grid, squad, command-room and station-staff groups) and who
 * belongs in them: created, renamed and archived with their unit, and memberships moved when a
 * person's unit or role changes. Start-up provisioning (group-provisioning.ts) fills in whatever
 * is missing; this keeps the groups right as administrators change the tree.
 */

/** Which units get a group, and of which kind. */
export const GROUP_OF_UNIT: Partial<Record<UnitKind, GroupKind>> = {
  grid: 'grid',
  squad: 'squad',
  command_room: 'command_room',
  station: 'station_staff',
};
/** The kinds of group a unit implies. */
const UNIT_GROUP_KINDS = Object.values(GROUP_OF_UNIT);
/** Staff who belong to their station's staff group and to their squad or command room. */
const STAFF: readonly Role[] = ['station_head', 'dispatcher', 'officer', 'auxiliary', 'grid_worker'];
/** Who belongs to a grid's group when their unit is the grid; officers and auxiliaries also from the community. */
const GRID_MEMBERS: readonly Role[] = ['grid_worker', 'resident', 'officer', 'auxiliary'];
const COMMUNITY_GRID_MEMBERS: readonly Role[] = ['officer', 'auxiliary'];

/** A group's name from its unit (and the unit's parent, for squads and command rooms). */
export function unitGroupName(kind: GroupKind, unitName: string, parentName: string | undefined): string {
  if (kind === 'station_staff') return `${unitName}全体民警`;
  if (kind === 'grid') return `${unitName}群`;
  return `${parentName ?? ''}${unitName}`;
}

type Db = Kysely<Database>;
interface UnitNode {
  id: string;
  parent_id: string | null;
  kind: UnitKind;
  name: string;
  path: string;
  retired_at: number | null;
}
/** A person as membership sees them. */
export interface MemberSubject {
  id: string;
  role: Role;
  unit_id: string;
}

/** Creates the group of a new unit (when its kind has one); its members come as people join the unit. */
export async function createUnitGroup(db: Db, unit: UnitNode, parentName: string | undefined, at: number) {
  const kind = GROUP_OF_UNIT[unit.kind];
  if (!kind) return;
  await openUnitGroup(db, { unitId: unit.id, kind, name: unitGroupName(kind, unit.name, parentName), at });
}

/** Renames the groups of a unit and of its children (a squad's group name starts with its station's). */
export async function renameUnitGroups(db: Db, unitId: string): Promise<void> {
  const units = await unitFamily(db, unitId);
  const groups = await groupsOfUnits(
    db,
    units.map((u) => u.id),
    UNIT_GROUP_KINDS,
  );
  for (const g of groups) {
    const unit = units.find((u) => u.id === g.unit_id)!;
    const name = unitGroupName(g.kind as GroupKind, unit.name, unit.parentName);
    if (name !== g.name) await renameConversation(db, g.id, name);
  }
}

/** Archives a retired unit's group: kept for its history, listed to nobody, no one can post. */
export async function archiveUnitGroups(db: Db, unitId: string, at: number): Promise<void> {
  const groups = await groupsOfUnits(db, [unitId], UNIT_GROUP_KINDS);
  await archiveConversations(
    db,
    groups.map((g) => g.id),
    at,
  );
}

/**
 * The unit tree and its groups, read once, to answer "which groups should this person be in"
 * for many people without a query each (an import moves hundreds).
 */
export async function loadGroupPlan(db: Db) {
  const units = await unitsOfKind(db);
  const groups = (
    await groupsOfUnits(
      db,
      units.map((u) => u.id),
      UNIT_GROUP_KINDS,
    )
  ).filter((g) => g.archived_at === null);
  const byId = new Map<string, UnitNode>(units.map((u) => [u.id, u]));
  const children = new Map<string, UnitNode[]>();
  for (const u of units) if (u.parent_id) children.set(u.parent_id, [...(children.get(u.parent_id) ?? []), u]);
  const groupOf = new Map(groups.map((g) => [`${g.unit_id}:${g.kind}`, g.id]));
  const group = (u: UnitNode | undefined) => {
    const kind = u && u.retired_at === null ? GROUP_OF_UNIT[u.kind] : undefined;
    return kind ? groupOf.get(`${u!.id}:${kind}`) : undefined;
  };

  /** The groups the tree puts this person in (bots are not administered here: none). */
  function wanted(p: MemberSubject): Set<string> {
    const out = new Set<string>();
    const unit = byId.get(p.unit_id);
    if (!unit || p.role === 'bot' || p.role === 'admin') return out;
    const add = (id: string | undefined) => id && out.add(id);
    const staff = STAFF.includes(p.role);
    if (staff) {
      for (const id of unit.path.split('/').filter(Boolean)) {
        const a = byId.get(id);
        if (a?.kind === 'station') add(group(a));
      }
      if (unit.kind === 'squad' || unit.kind === 'command_room') add(group(unit));
    }
    if (p.role === 'station_head')
      for (const c of children.get(unit.id) ?? []) if (c.kind === 'command_room') add(group(c));
    if (unit.kind === 'grid' && GRID_MEMBERS.includes(p.role)) add(group(unit));
    if (COMMUNITY_GRID_MEMBERS.includes(p.role) && unit.kind === 'community')
      for (const c of children.get(unit.id) ?? []) if (c.kind === 'grid') add(group(c));
    return out;
  }
  return { wanted };
}

/** The groups the tree gives each of these people now (snapshot before a change, and again after it). */
export async function plannedGroups(db: Db, people: MemberSubject[]): Promise<Map<string, Set<string>>> {
  const plan = await loadGroupPlan(db);
  return new Map(people.map((p) => [p.id, plan.wanted(p)]));
}

/** What the transport does for the open sockets of people the tree put in a group. */
export interface UnitGroupNotifier {
  /** These people became active members: their sockets join the group's room and are told, on every node. */
  membersJoined(groupId: string, userIds: string[]): void;
}

/** Who moved, and who became an active member of which new group (their open sockets join it). */
export interface MembershipMoves {
  changed: string[];
  /** Group id → the people who became active members of it. */
  joined: Map<string, string[]>;
}

/** After the moves' transaction committed: the joiners' open sockets hear the new groups live. */
export function announceJoins(notify: UnitGroupNotifier, joined: MembershipMoves['joined']): void {
  for (const [groupId, userIds] of joined) notify.membersJoined(groupId, userIds);
}

/**
 * Moves people's memberships from the groups they were in by the tree (`before`) to the ones it
 * puts them in now: left groups are marked removed, new ones joined. A resident still waiting for
 * approval in their old grid waits in the new one too.
 */
export async function moveMemberships(
  db: Db,
  before: Map<string, Set<string>>,
  after: Map<string, Set<string>>,
  at: number,
): Promise<MembershipMoves> {
  const changed: string[] = [];
  const joined = new Map<string, string[]>();
  const joins: { groupId: string; userId: string; status: 'active' | 'pending' }[] = [];
  for (const [userId, next] of after) {
    const prev = before.get(userId) ?? new Set<string>();
    const left = [...prev].filter((g) => !next.has(g));
    const entered = [...next].filter((g) => !prev.has(g));
    if (left.length === 0 && entered.length === 0) continue;
    changed.push(userId);
    // A resident still waiting for approval in their old grid waits in the new one too.
    const pending = left.length > 0 && (await memberStatuses(db, userId, left)).some((r) => r.status === 'pending');
    if (left.length) await setMemberStatus(db, left, userId, 'removed');
    for (const groupId of entered) {
      joins.push({ groupId, userId, status: pending ? 'pending' : 'active' });
      if (!pending) joined.set(groupId, [...(joined.get(groupId) ?? []), userId]);
    }
  }
  await joinMembers(db, joins, at);
  return { changed, joined };
}
