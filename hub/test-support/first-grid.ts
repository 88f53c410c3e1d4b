import type { Hub } from '../src/hub.ts';

/** The first demo grid: its group, an officer of the community above it and its residents' logins (by id). */
export interface FirstGrid {
  gridId: string;
  groupId: string;
  officerLogin: string;
  residentLogins: string[];
}

/** Looks up the first demo grid (by sort) and the people tests talk as there. */
export async function firstGrid(hub: Hub): Promise<FirstGrid> {
  const db = hub.store.db;
  const grid = await db
    .selectFrom('units')
    .select(['id', 'parent_id'])
    .where('kind', '=', 'grid')
    .orderBy('sort')
    .executeTakeFirstOrThrow();
  const group = await db
    .selectFrom('groups')
    .select('id')
    .where('unit_id', '=', grid.id)
    .where('kind', '=', 'grid')
    .executeTakeFirstOrThrow();
  const officer = await db
    .selectFrom('users')
    .select('login')
    .where('unit_id', '=', grid.parent_id!)
    .where('role', '=', 'officer')
    .executeTakeFirstOrThrow();
  const residents = await db
    .selectFrom('users')
    .select('login')
    .where('unit_id', '=', grid.id)
    .where('role', '=', 'resident')
    .orderBy('id')
    .execute();
  return {
    gridId: grid.id,
    groupId: group.id,
    officerLogin: officer.login,
    residentLogins: residents.map((r) => r.login),
  };
}
