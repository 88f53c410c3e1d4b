import type { Kysely } from 'kysely';
import { newId } from '../ids.ts';
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
  await db
    .insertInto('groups')
    .values({
      id: newId(),
      kind,
      unit_id: unit.id,
      name: unitGroupName(kind, unit.name, parentName),
      last_seq: 0,
      created_at: at,
      notice_text: null,
      notice_by: null,
      notice_at: null,
      pair_key: null,
    })
    .onConflict((oc) => oc.columns(['unit_id', 'kind']).doNothing())
    .execute();
}

/** Renames the groups of a unit and of its children (a squad's group name starts with its station's). */
export async function renameUnitGroups(db: Db, unitId: string): Promise<void> {
  const units = await db
    .selectFrom('units')
    .select(['id', 'name', 'parent_id'])
    .where((eb) => eb.or([eb('id', '=', unitId), eb('parent_id', '=', unitId)]))
    .execute();
  const parentIds = [...new Set(units.map((u) => u.parent_id).filter((id): id is string => id !== null))];
  const parents = parentIds.length
    ? await db.selectFrom('units').select(['id', 'name']).where('id', 'in', parentIds).execute()
    : [];
  const nameOf = new Map([...parents, ...units].map((u) => [u.id, u.name]));
  const groups = await db
    .selectFrom('groups')
    .select(['id', 'kind', 'unit_id', 'name'])
    .where(
      'unit_id',
      'in',
      units.map((u) => u.id),
    )
    .where('kind', 'in', Object.values(GROUP_OF_UNIT))
    .execute();
  for (const g of groups) {
    const unit = units.find((u) => u.id === g.unit_id)!;
    const name = unitGroupName(g.kind as GroupKind, unit.name, unit.parent_id ? nameOf.get(unit.parent_id) : undefined);
    if (name !== g.name) await db.updateTable('groups').set({ name }).where('id', '=', g.id).execute();
  }
}

/** Archives a retired unit's group: kept for its history, listed to nobody, no one can post. */
export async function archiveUnitGroups(db: Db, unitId: string, at: number): Promise<void> {
  const groups = await db.selectFrom('groups').select('id').where('unit_id', '=', unitId).execute();
  if (groups.length === 0) return;
  const ids = groups.map((g) => g.id);
  await db.updateTable('groups').set({ archived_at: at }).where('id', 'in', ids).execute();
  await db
    .updateTable('group_members')
    .set({ status: 'removed' })
    .where('group_id', 'in', ids)
    .where('status', 'in', ['active', 'pending'])
    .execute();
}

/**
 * The unit tree and its groups, read once, to answer "which groups should this person be in"
 * for many people without a query each (an import moves hundreds).
 */
export async function loadGroupPlan(db: Db) {
  const units = await db
    .selectFrom('units')
    .select(['id', 'parent_id', 'kind', 'name', 'path', 'retired_at'])
    .execute();
  const groups = await db
    .selectFrom('groups')
    .select(['id', 'unit_id', 'kind'])
    .where('archived_at', 'is', null)
    .where('kind', 'in', Object.values(GROUP_OF_UNIT))
    .execute();
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

/**
 * Moves people's memberships from the groups they were in by the tree (`before`) to the ones it
 * puts them in now: left groups are marked removed, new ones joined. A resident still waiting for
 * approval in their old grid waits in the new one too. Returns who changed.
 */
export async function moveMemberships(
  db: Db,
  before: Map<string, Set<string>>,
  after: Map<string, Set<string>>,
  at: number,
): Promise<string[]> {
  const changed: string[] = [];
  // People who only join (new people, most moves into a fresh unit) are written in bulk.
  const bulk: { group_id: string; user_id: string; status: 'active'; read_seq: number; joined_at: number }[] = [];
  for (const [userId, next] of after) {
    const prev = before.get(userId) ?? new Set<string>();
    const left = [...prev].filter((g) => !next.has(g));
    const joined = [...next].filter((g) => !prev.has(g));
    if (left.length === 0 && joined.length === 0) continue;
    changed.push(userId);
    if (left.length === 0) {
      for (const group_id of joined)
        bulk.push({ group_id, user_id: userId, status: 'active', read_seq: 0, joined_at: at });
      continue;
    }
    const rows = await db
      .selectFrom('group_members')
      .select('status')
      .where('user_id', '=', userId)
      .where('group_id', 'in', left)
      .execute();
    const pending = rows.some((r) => r.status === 'pending');
    await db
      .updateTable('group_members')
      .set({ status: 'removed' })
      .where('user_id', '=', userId)
      .where('group_id', 'in', left)
      .execute();
    if (joined.length) {
      const status = pending ? ('pending' as const) : ('active' as const);
      await db
        .insertInto('group_members')
        .values(joined.map((group_id) => ({ group_id, user_id: userId, status, read_seq: 0, joined_at: at })))
        .onConflict((oc) => oc.columns(['group_id', 'user_id']).doUpdateSet({ status, joined_at: at }))
        .execute();
    }
  }
  for (let i = 0; i < bulk.length; i += 500)
    await db
      .insertInto('group_members')
      .values(bulk.slice(i, i + 500))
      .onConflict((oc) => oc.columns(['group_id', 'user_id']).doUpdateSet({ status: 'active', joined_at: at }))
      .execute();
  return changed;
}

/** A resident's registration approved: their pending membership of their grid's group becomes active. */
export async function approvePendingMember(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .updateTable('group_members')
    .set({ status: 'active' })
    .where('user_id', '=', userId)
    .where('status', '=', 'pending')
    .returning('group_id')
    .execute();
  return rows.map((r) => r.group_id);
}

/** Takes a person out of every group (a rejected registration, a removed account); hotline threads stay. */
export async function leaveAllGroups(db: Db, userId: string): Promise<void> {
  await db
    .updateTable('group_members')
    .set({ status: 'removed' })
    .where('user_id', '=', userId)
    .where('status', 'in', ['active', 'pending'])
    .where('group_id', 'in', (eb) => eb.selectFrom('groups').select('id').where('kind', '!=', 'hotline'))
    .execute();
}
