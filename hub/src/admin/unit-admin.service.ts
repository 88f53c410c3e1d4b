import { sql, type Kysely } from 'kysely';
import type { AccountSockets } from '../realtime/account-sockets.ts';
import { writeAudit } from '../audit/audit-log.ts';
import type { Actor } from '../auth/permissions.ts';
import { can } from '../auth/permissions.ts';
import { errors } from '../errors.ts';
import {
  announceJoins,
  archiveUnitGroups,
  createUnitGroup,
  moveMemberships,
  plannedGroups,
  renameUnitGroups,
  type UnitGroupNotifier,
} from '../groups/unit-groups.ts';
import { newId } from '../ids.ts';
import {
  UNIT_CHILD_KINDS,
  type AdminUnitView,
  type UnitCreateBody,
  type UnitKind,
  type UnitPatchBody,
} from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import { adminScope, type AdminScope } from './admin-scope.ts';
import { isUniqueViolation } from '../store/unique-violation.ts';

type Db = Kysely<Database>;

/** Refuses a kind that does not fit under its parent's kind (or at the top, for anything but a city). */
export function assertKindFits(kind: UnitKind, parentKind: UnitKind | null): void {
  const fits = parentKind === null ? kind === 'city' : UNIT_CHILD_KINDS[parentKind].includes(kind);
  if (!fits) throw errors.unitKindMismatch(kind, parentKind);
}

/** Short letters for generated unit codes (a code is required and unique; stations usually give theirs). */
const CODE_LETTER: Record<UnitKind, string> = {
  city: 'C',
  branch: 'B',
  station: 'S',
  squad: 'Q',
  command_room: 'ZH',
  community: 'C',
  grid: 'G',
};

/** A free code under a parent's: `<parent code>-<letter><n>`. */
export async function freeUnitCode(db: Db, parentCode: string | null, kind: UnitKind): Promise<string> {
  const base = `${parentCode ? `${parentCode}-` : ''}${CODE_LETTER[kind]}`;
  const taken = new Set(
    (await db.selectFrom('units').select('code').where('code', 'like', `${base}%`).execute()).map((u) => u.code),
  );
  for (let n = 1; ; n++) if (!taken.has(`${base}${n}`)) return `${base}${n}`;
}

/**
 * The unit tree's administration: create, rename, re-code, move and retire units. Groups follow
 * (created, renamed, archived with their unit); a move re-roots the subtree's paths and moves the
 * memberships of the people in it, whose sockets then reconnect. A new unit's group takes in its
 * neighbours (a grid its community's officers), whose open sockets join it live. Every write is audited.
 */
export function createUnitAdminService(deps: {
  db: Db;
  sockets: AccountSockets;
  groups: UnitGroupNotifier;
  now?: () => number;
}) {
  const { db } = deps;
  const now = deps.now ?? Date.now;

  async function unitInScope(scope: AdminScope, id: string) {
    const unit = await db.selectFrom('units').selectAll().where('id', '=', id).executeTakeFirst();
    if (!unit || !scope.holds(unit.path)) throw errors.notFound('unit');
    return unit;
  }

  async function views(scope: AdminScope, ids?: string[]): Promise<AdminUnitView[]> {
    let q = db
      .selectFrom('units')
      .select(['id', 'parent_id', 'kind', 'name', 'code', 'retired_at'])
      .select((eb) =>
        eb
          .selectFrom('users')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('users.unit_id', '=', 'units.id')
          .where('users.disabled_at', 'is', null)
          .where('users.role', 'not in', ['resident', 'bot'])
          .as('staff'),
      )
      .orderBy('sort')
      .orderBy('id');
    if (scope.prefix) q = q.where('path', 'like', `${scope.prefix}%`);
    if (ids) q = q.where('id', 'in', ids);
    return (await q.execute()).map((u) => ({
      id: u.id,
      parentId: u.parent_id,
      kind: u.kind,
      name: u.name,
      code: u.code,
      retired: u.retired_at !== null,
      staffCount: Number(u.staff ?? 0),
    }));
  }
  const view = async (scope: AdminScope, id: string) => (await views(scope, [id]))[0]!;

  const audit = (actor: Actor, action: string, id: string, before?: object, after?: object) =>
    writeAudit(db, { actorId: actor.id, action, targetType: 'unit', targetId: id, detail: { before, after } });

  async function assertCodeFree(code: string, exceptId?: string) {
    const other = await db.selectFrom('units').select('id').where('code', '=', code).executeTakeFirst();
    if (other && other.id !== exceptId) throw errors.codeTaken(code);
  }

  /** People in a subtree (a path prefix) or in some units, as group membership sees them. */
  function peopleIn(trx: Db, where: { path: string } | { unitIds: string[] }) {
    let q = trx
      .selectFrom('users')
      .innerJoin('units', 'units.id', 'users.unit_id')
      .select(['users.id', 'users.role', 'users.unit_id'])
      .where('users.deleted_at', 'is', null);
    q =
      'path' in where ? q.where('units.path', 'like', `${where.path}%`) : q.where('users.unit_id', 'in', where.unitIds);
    return q.execute();
  }

  return {
    async list(actor: Actor): Promise<AdminUnitView[]> {
      return views(await adminScope(db, actor));
    },

    async create(actor: Actor, body: UnitCreateBody): Promise<AdminUnitView> {
      const scope = await adminScope(db, actor);
      const parent = body.parentId ? await unitInScope(scope, body.parentId) : undefined;
      if (!parent && !can.administerWholeTree(actor)) throw errors.forbidden('only an admin creates a top unit');
      if (parent?.retired_at) throw errors.invalid('the parent unit is retired');
      assertKindFits(body.kind, parent?.kind ?? null);
      if (body.code) await assertCodeFree(body.code);
      const at = now();
      const id = newId();
      const code = body.code ?? (await freeUnitCode(db, parent?.code ?? null, body.kind));
      const row = {
        id,
        parent_id: parent?.id ?? null,
        kind: body.kind,
        name: body.name,
        code,
        path: `${parent?.path ?? '/'}${id}/`,
        sort: 0,
        created_at: at,
      };
      let joined = new Map<string, string[]>();
      try {
        await db.transaction().execute(async (trx) => {
          const last = await trx
            .selectFrom('units')
            .select((eb) => eb.fn.max('sort').as('sort'))
            .executeTakeFirst();
          row.sort = Number(last?.sort ?? 0) + 1;
          // A new grid takes in its community's officers, a command room its station's head.
          const neighbours = parent ? await peopleIn(trx, { unitIds: [parent.id] }) : [];
          const was = await plannedGroups(trx, neighbours);
          await trx.insertInto('units').values(row).execute();
          await createUnitGroup(trx, { ...row, retired_at: null }, parent?.name, at);
          ({ joined } = await moveMemberships(trx, was, await plannedGroups(trx, neighbours), at));
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw errors.codeTaken(code);
        throw err;
      }
      // Their unit and role rooms stay as they are: joining the new group is all that changes.
      announceJoins(deps.groups, joined);
      await audit(actor, 'unit.create', id, undefined, {
        parentId: row.parent_id,
        kind: row.kind,
        name: row.name,
        code,
      });
      return view(scope, id);
    },

    /** Renames, re-codes or moves a unit. A station head renames their station but does not move it. */
    async patch(actor: Actor, id: string, body: UnitPatchBody): Promise<AdminUnitView> {
      const scope = await adminScope(db, actor);
      const unit = await unitInScope(scope, id);
      if (unit.retired_at !== null) throw errors.invalid('the unit is retired');
      const before: Record<string, unknown> = {};
      const after: Record<string, unknown> = {};
      if (body.name !== undefined && body.name !== unit.name) [before.name, after.name] = [unit.name, body.name];
      if (body.code !== undefined && body.code !== unit.code) {
        await assertCodeFree(body.code, id);
        [before.code, after.code] = [unit.code, body.code];
      }
      let parent: Awaited<ReturnType<typeof unitInScope>> | undefined;
      if (body.parentId !== undefined && body.parentId !== unit.parent_id) {
        if (id === scope.stationId) throw errors.forbidden('a station head does not move their station');
        parent = await unitInScope(scope, body.parentId);
        if (parent.path.startsWith(unit.path)) throw errors.unitCycle();
        if (parent.retired_at !== null) throw errors.invalid('the parent unit is retired');
        assertKindFits(unit.kind, parent.kind);
        [before.parentId, after.parentId] = [unit.parent_id, parent.id];
      }
      if (Object.keys(after).length === 0) return view(scope, id);
      const at = now();
      let moved: string[] = [];
      try {
        await db.transaction().execute(async (trx) => {
          const people = parent ? await peopleIn(trx, { path: unit.path }) : [];
          const was = parent ? await plannedGroups(trx, people) : undefined;
          await trx
            .updateTable('units')
            .set({
              name: body.name ?? unit.name,
              code: body.code ?? unit.code,
              parent_id: parent?.id ?? unit.parent_id,
            })
            .where('id', '=', id)
            .execute();
          if (parent && was) {
            // Re-root the subtree's materialised paths: /old/prefix/... → /new/prefix/...
            const newPath = `${parent.path}${id}/`;
            await trx
              .updateTable('units')
              .set({ path: sql<string>`${newPath} || substr(path, ${unit.path.length + 1})` })
              .where('path', 'like', `${unit.path}%`)
              .execute();
            moved = (await moveMemberships(trx, was, await plannedGroups(trx, people), at)).changed;
          }
          await renameUnitGroups(trx, id);
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw errors.codeTaken(body.code ?? unit.code);
        throw err;
      }
      await audit(actor, 'unit.update', id, before, after);
      if (moved.length) deps.sockets.reconnect(moved);
      return view(scope, id);
    },

    /** Retires an empty unit (no active people, no live sub-units); its groups are archived. */
    async retire(actor: Actor, id: string): Promise<AdminUnitView> {
      const scope = await adminScope(db, actor);
      const unit = await unitInScope(scope, id);
      if (id === scope.stationId) throw errors.forbidden('a station head does not retire their station');
      if (unit.retired_at !== null) return view(scope, id);
      const at = now();
      await db.transaction().execute(async (trx) => {
        const person = await trx
          .selectFrom('users')
          .select('id')
          .where('unit_id', '=', id)
          .where('disabled_at', 'is', null)
          .where('deleted_at', 'is', null)
          .executeTakeFirst();
        if (person) throw errors.unitNotEmpty('active people');
        const child = await trx
          .selectFrom('units')
          .select('id')
          .where('parent_id', '=', id)
          .where('retired_at', 'is', null)
          .executeTakeFirst();
        if (child) throw errors.unitNotEmpty('active sub-units');
        await trx.updateTable('units').set({ retired_at: at }).where('id', '=', id).execute();
        await archiveUnitGroups(trx, id, at);
      });
      await audit(actor, 'unit.retire', id, { retired: false }, { retired: true });
      return view(scope, id);
    },
  };
}
export type UnitAdminService = ReturnType<typeof createUnitAdminService>;
