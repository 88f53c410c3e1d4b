import type { Kysely } from 'kysely';
import type { AdminGroupView } from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';

/**
 * The groups the unit tree implies under a path prefix ('' for all), with member and waiting
 * counts and the time of their last message: what an administrator looks after. Archived groups,
 * one-to-one conversations and hotline threads are not listed.
 */
export async function unitGroupsWithin(db: Kysely<Database>, prefix: string): Promise<AdminGroupView[]> {
  const rows = await db
    .selectFrom('groups as g')
    .innerJoin('units as u', 'u.id', 'g.unit_id')
    .select((eb) => [
      'g.id',
      'g.kind',
      'g.name',
      'u.id as unit_id',
      'u.name as unit_name',
      eb
        .selectFrom('group_members as m')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('m.group_id', '=', 'g.id')
        .where('m.status', '=', 'active')
        .as('members'),
      eb
        .selectFrom('group_members as m')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('m.group_id', '=', 'g.id')
        .where('m.status', '=', 'pending')
        .as('pending'),
      eb
        .selectFrom('messages as x')
        .select((e) => e.fn.max('x.created_at').as('at'))
        .whereRef('x.group_id', '=', 'g.id')
        .as('last_at'),
    ])
    .where('g.kind', 'not in', ['direct', 'hotline'])
    .where('g.archived_at', 'is', null)
    .where('u.path', 'like', `${prefix}%`)
    .orderBy('u.sort')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind as AdminGroupView['kind'],
    name: r.name,
    unitId: r.unit_id,
    unitName: r.unit_name,
    members: Number(r.members ?? 0),
    pending: Number(r.pending ?? 0),
    lastMessageAt: r.last_at === null || r.last_at === undefined ? null : Number(r.last_at),
  }));
}
