import type { Kysely } from 'kysely';
import { newId } from '../ids.ts';
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
  const units = await db
    .selectFrom('units')
    .select(['id', 'kind', 'name', 'parent_id', 'path'])
    .where('retired_at', 'is', null)
    .execute();
  const existing = new Map(
    (await db.selectFrom('groups').select(['id', 'unit_id', 'kind']).execute()).map((g) => [
      `${g.unit_id}:${g.kind}`,
      g.id,
    ]),
  );
  let groups = 0;
  let members = 0;
  for (const unit of units) {
    const kind = GROUP_OF_UNIT[unit.kind];
    if (!kind) continue;
    let groupId = existing.get(`${unit.id}:${kind}`);
    if (!groupId) {
      const parent = units.find((u) => u.id === unit.parent_id);
      const name = unitGroupName(kind, unit.name, parent?.name);
      // Several nodes may start together: the unique (unit, kind) index lets one insert win.
      const res = await db
        .insertInto('groups')
        .values({
          id: newId(),
          kind,
          unit_id: unit.id,
          name,
          last_seq: 0,
          created_at: now,
          notice_text: null,
          notice_by: null,
          notice_at: null,
          pair_key: null,
        })
        .onConflict((oc) => oc.columns(['unit_id', 'kind']).doNothing())
        .executeTakeFirst();
      groups += Number(res.numInsertedOrUpdatedRows ?? 0);
      groupId = (
        await db
          .selectFrom('groups')
          .select('id')
          .where('unit_id', '=', unit.id)
          .where('kind', '=', kind)
          .executeTakeFirstOrThrow()
      ).id;
    }
    const wanted = await expectedMembers(db, kind, unit);
    const have = new Set(
      (await db.selectFrom('group_members').select('user_id').where('group_id', '=', groupId).execute()).map(
        (m) => m.user_id,
      ),
    );
    const missing = wanted.filter((u) => !have.has(u));
    for (let i = 0; i < missing.length; i += 200) {
      await db
        .insertInto('group_members')
        .values(
          missing.slice(i, i + 200).map((user_id) => ({
            group_id: groupId!,
            user_id,
            status: 'active' as const,
            read_seq: 0,
            joined_at: now,
          })),
        )
        .onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing())
        .execute();
    }
    members += missing.length;
  }
  return { groups, members };
}

async function expectedMembers(
  db: Kysely<Database>,
  kind: GroupKind,
  unit: { id: string; parent_id: string | null; path: string },
): Promise<string[]> {
  const active = db.selectFrom('users').select('users.id').where('users.disabled_at', 'is', null);
  if (kind === 'grid') {
    const inGrid = await active
      .where('unit_id', '=', unit.id)
      .where('role', 'in', ['grid_worker', 'resident', 'officer', 'auxiliary'])
      .execute();
    const community = unit.parent_id
      ? await active.where('unit_id', '=', unit.parent_id).where('role', 'in', ['officer', 'auxiliary']).execute()
      : [];
    return [...inGrid, ...community].map((u) => u.id);
  }
  if (kind === 'station_staff') {
    return (
      await active
        .innerJoin('units', 'units.id', 'users.unit_id')
        .where('units.path', 'like', `${unit.path}%`)
        .where('users.role', 'in', STAFF)
        .execute()
    ).map((u) => u.id);
  }
  const own = await active.where('unit_id', '=', unit.id).where('role', 'in', STAFF).execute();
  const heads =
    kind === 'command_room' && unit.parent_id
      ? await active.where('unit_id', '=', unit.parent_id).where('role', '=', 'station_head').execute()
      : [];
  // Bots post briefings and reports into command rooms and answer /briefing there.
  const bots = kind === 'command_room' ? await active.where('role', '=', 'bot').execute() : [];
  return [...own, ...heads, ...bots].map((u) => u.id);
}
