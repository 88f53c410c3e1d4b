import type { Kysely } from 'kysely';
import { addMembers, openUnitGroup } from '../conversations/conversation-members.ts';
import { memberIdsOf, unitGroupIds } from '../conversations/conversation-queries.ts';
import { activePeople, unitsOfKind, type PeopleFilter } from '../org/org-queries.ts';
import type { GroupKind, Role } from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import { GROUP_OF_UNIT, unitGroupName } from './unit-groups.ts';

const STAFF: Role[] = ['station_head', 'dispatcher', 'officer', 'auxiliary', 'grid_worker'];

/**
 * Creates the groups the unit tree implies and adds whoever belongs in them; safe to run at every
 * start (it only adds what is missing). A grid group holds the grid's grid workers and residents
 * plus the officers and auxiliaries of its community (一村(格)一警); a squad or command room
 * holds its staff (a command room also its station head and the bots); a station's staff group, all its staff.
 */
export async function provisionGroups(
  db: Kysely<Database>,
  now = Date.now(),
): Promise<{ groups: number; members: number }> {
  // Retired units keep their archived group as it is.
  const units = await unitsOfKind(db, undefined, { activeOnly: true });
  const existing = await unitGroupIds(db);
  let groups = 0;
  let members = 0;
  for (const unit of units) {
    const kind = GROUP_OF_UNIT[unit.kind];
    if (!kind) continue;
    let groupId = existing.get(`${unit.id}:${kind}`);
    if (!groupId) {
      const parent = units.find((u) => u.id === unit.parent_id);
      const name = unitGroupName(kind, unit.name, parent?.name);
      const opened = await openUnitGroup(db, { unitId: unit.id, kind, name, at: now });
      groupId = opened.id;
      if (opened.created) groups++;
    }
    const wanted = await expectedMembers(db, kind, unit);
    const have = new Set(await memberIdsOf(db, groupId));
    const missing = wanted.filter((u) => !have.has(u));
    await addMembers(db, groupId, missing, { at: now });
    members += missing.length;
  }
  return { groups, members };
}

async function expectedMembers(
  db: Kysely<Database>,
  kind: GroupKind,
  unit: { id: string; parent_id: string | null; path: string },
): Promise<string[]> {
  const ids = async (f: PeopleFilter) => (await activePeople(db, f)).map((u) => u.id);
  if (kind === 'grid') {
    const inGrid = await ids({ roles: ['grid_worker', 'resident', 'officer', 'auxiliary'], unitIds: [unit.id] });
    const community = unit.parent_id ? await ids({ roles: ['officer', 'auxiliary'], unitIds: [unit.parent_id] }) : [];
    return [...inGrid, ...community];
  }
  if (kind === 'station_staff') return ids({ roles: STAFF, within: unit.path });
  const own = await ids({ roles: STAFF, unitIds: [unit.id] });
  const heads =
    kind === 'command_room' && unit.parent_id ? await ids({ roles: ['station_head'], unitIds: [unit.parent_id] }) : [];
  // Bots post briefings and reports into command rooms and answer /briefing there.
  const bots = kind === 'command_room' ? await ids({ roles: ['bot'] }) : [];
  return [...own, ...heads, ...bots];
}
