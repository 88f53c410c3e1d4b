import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { Role, UnitKind } from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';

/**
 * Named reads of the unit tree and the people in it (`units`, `users`, `duty_status`) for the other
 * modules. Only the org module (and account administration) writes these tables; a query that
 * starts from them lives here, so a schema change has one place to look. Other modules' own
 * queries may join them for a name or a subtree.
 */

/** Which people to read: these roles, in these units or anywhere below a unit's path; active only. */
export interface PeopleFilter {
  roles: readonly Role[];
  unitIds?: string[];
  within?: string;
}

/** A unit by id. */
export function unitById(db: Kysely<Database>, unitId: string) {
  return db.selectFrom('units').selectAll().where('id', '=', unitId).executeTakeFirst();
}

/** Which units to read: `activeOnly` leaves retired units out (forms and trees); history keeps them. */
export interface UnitFilter {
  activeOnly?: boolean;
}

const unitRows = (db: Kysely<Database>, kinds: readonly UnitKind[] | undefined, f: UnitFilter) =>
  db
    .selectFrom('units')
    .select(['id', 'parent_id', 'kind', 'name', 'code', 'path', 'retired_at'])
    .$if(kinds !== undefined, (q) => q.where('kind', 'in', kinds!))
    .$if(f.activeOnly === true, (q) => q.where('retired_at', 'is', null))
    .orderBy('sort');

/** Units at and below a unit's path (of these kinds, when given), in display order. */
export function unitsWithin(db: Kysely<Database>, path: string, kinds?: readonly UnitKind[], f: UnitFilter = {}) {
  return unitRows(db, kinds, f).where('path', 'like', `${path}%`).execute();
}

/** A unit and its direct children, with the names of their parents (group names carry them). */
export async function unitFamily(db: Kysely<Database>, unitId: string) {
  const units = await unitRows(db, undefined, {})
    .where((eb) => eb.or([eb('id', '=', unitId), eb('parent_id', '=', unitId)]))
    .execute();
  const parentIds = [...new Set(units.map((u) => u.parent_id).filter((id): id is string => id !== null))];
  const parents = parentIds.length ? await unitRows(db, undefined, {}).where('id', 'in', parentIds).execute() : [];
  const nameOf = new Map([...parents, ...units].map((u) => [u.id, u.name]));
  return units.map((u) => ({ ...u, parentName: u.parent_id ? nameOf.get(u.parent_id) : undefined }));
}

/** Every unit of these kinds (every unit when none are given), in display order. */
export function unitsOfKind(db: Kysely<Database>, kinds?: readonly UnitKind[], f: UnitFilter = {}) {
  return unitRows(db, kinds, f).execute();
}

/** The station with this code (its public link `/h/<code>`). */
export function stationByCode(db: Kysely<Database>, code: string) {
  return db
    .selectFrom('units')
    .select(['id', 'name', 'code', 'path'])
    .where('code', '=', code)
    .where('kind', '=', 'station')
    .executeTakeFirst();
}

/**
 * The nearest unit of these kinds at or above a unit (the unit itself when it is one), in one
 * statement: a walk up the parent links, each step a primary-key lookup, instead of reading the
 * unit's path first and its ancestors after.
 */
export function nearestUnitOfKind(db: Kysely<Database>, unitId: string, kinds: readonly UnitKind[]) {
  return (
    db
      .withRecursive('up(id, parent_id)', (qb) =>
        qb
          .selectFrom('units')
          .select(['id', 'parent_id'])
          .where('id', '=', unitId)
          .unionAll((u) =>
            u.selectFrom('units as a').innerJoin('up', 'up.parent_id', 'a.id').select(['a.id', 'a.parent_id']),
          ),
      )
      .selectFrom('up')
      .innerJoin('units', 'units.id', 'up.id')
      .select(['units.id', 'units.path', 'units.name', 'units.code', 'units.kind'])
      .where('units.kind', 'in', kinds)
      // Paths grow by one id a level: the longest is the nearest.
      .orderBy(sql`length(units.path)`, 'desc')
      .limit(1)
      .executeTakeFirst()
  );
}

/** The station a unit lies in (the unit itself when it is one). */
export function stationOf(db: Kysely<Database>, unitId: string) {
  return nearestUnitOfKind(db, unitId, ['station']);
}

/** A person (never their password hash) with their unit's path; undefined when there is no such person. */
export function personById(db: Kysely<Database>, userId: string) {
  return db
    .selectFrom('users')
    .innerJoin('units', 'units.id', 'users.unit_id')
    .select(['users.id', 'users.name', 'users.role', 'users.unit_id', 'users.disabled_at', 'units.path as unit_path'])
    .where('users.id', '=', userId)
    .executeTakeFirst();
}

/** Which of these strings are the display name of someone the hub knows (any role, disabled too). */
export async function namesAmong(db: Kysely<Database>, candidates: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  const unique = [...new Set(candidates)];
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await db
      .selectFrom('users')
      .select('name')
      .distinct()
      .where('name', 'in', unique.slice(i, i + 500))
      .execute();
    for (const r of rows) found.add(r.name);
  }
  return found;
}

/** The active person with this login and role, if any. */
export function activePersonByLogin(db: Kysely<Database>, login: string, role: Role) {
  return db
    .selectFrom('users')
    .select(['id', 'name'])
    .where('login', '=', login)
    .where('role', '=', role)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
}

/** Active people by the filter, with their unit's name, oldest account first (at most `limit`). */
export function activePeople(db: Kysely<Database>, f: PeopleFilter, limit?: number) {
  return db
    .selectFrom('users')
    .innerJoin('units', 'units.id', 'users.unit_id')
    .select(['users.id', 'users.name', 'users.role', 'users.rank', 'users.unit_id', 'units.name as unit_name'])
    .where('users.disabled_at', 'is', null)
    .where('users.role', 'in', f.roles)
    .$if(f.unitIds !== undefined, (q) => q.where('users.unit_id', 'in', f.unitIds!))
    .$if(f.within !== undefined, (q) => q.where('units.path', 'like', `${f.within}%`))
    .orderBy('users.id')
    .$if(limit !== undefined, (q) => q.limit(limit!))
    .execute();
}

/** The station heads of a station (active), oldest account first. */
export const stationHeads = (db: Kysely<Database>, stationId: string) =>
  activePeople(db, { roles: ['station_head'], unitIds: [stationId] });

/** Who is on duty (active staff of these roles below a path), by unit and name, at most `limit`. */
export function onDutyWithin(db: Kysely<Database>, path: string, roles: readonly Role[], limit: number) {
  return db
    .selectFrom('duty_status as d')
    .innerJoin('users as u', 'u.id', 'd.user_id')
    .innerJoin('units as un', 'un.id', 'u.unit_id')
    .select(['u.id', 'u.name', 'u.role', 'un.name as unit_name'])
    .where('d.on_duty', '=', 1)
    .where('u.disabled_at', 'is', null)
    .where('u.role', 'in', roles)
    .where('un.path', 'like', `${path}%`)
    .orderBy('un.sort')
    .orderBy('u.name')
    .limit(limit)
    .execute();
}

/**
 * Selects the ids (`user_id`) of active people of some roles below some unit paths, plus named
 * people, except one: a query to embed (an INSERT … SELECT), so that a list of ten thousand ids
 * never travels to the hub and back.
 */
export function peopleQuery(
  db: Kysely<Database>,
  f: { subtrees: { path: string; roles: readonly Role[] }[]; people: string[]; except: string },
): SelectQueryBuilder<Database, 'users' | 'units', { user_id: string }> {
  return db
    .selectFrom('users')
    .innerJoin('units', 'units.id', 'users.unit_id')
    .select('users.id as user_id')
    .where((eb) =>
      eb.or([
        ...f.subtrees.map((s) => eb.and([eb('units.path', 'like', `${s.path}%`), eb('users.role', 'in', s.roles)])),
        ...(f.people.length ? [eb('users.id', 'in', f.people)] : []),
      ]),
    )
    .where('users.disabled_at', 'is', null)
    .where('users.id', '!=', f.except);
}
