import type { Kysely } from 'kysely';
import type { AccountSockets } from '../realtime/account-sockets.ts';
import { writeAudit } from '../audit/audit-log.ts';
import type { Actor } from '../auth/permissions.ts';
import { can } from '../auth/permissions.ts';
import type { SessionService } from '../auth/session.service.ts';
import { errors } from '../errors.ts';
import { loadGroupPlan, moveMemberships } from '../groups/unit-groups.ts';
import {
  UNIT_ROLES,
  type AdminPersonView,
  type PeopleQuery,
  type PersonCreateBody,
  type PersonPatchBody,
  type Role,
  type UnitKind,
} from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import { adminScope, type AdminScope } from './admin-scope.ts';
import { personRow, temporaryPasswordColumns } from '../account/person-row.ts';
import { personQuery, personViews, toPersonView } from './person-records.ts';
import { isUniqueViolation } from '../store/unique-violation.ts';

const PAGE = 100;
/** The fields of a person an administrator edits, as the audit log records them. */
const EDITABLE = ['name', 'rank', 'phone', 'role', 'unitId'] as const;
type Editable = (typeof EDITABLE)[number];

/** Refuses a role the unit's kind does not hold (a resident in a squad). */
export function assertRoleFits(role: Role, kind: UnitKind): void {
  if (!UNIT_ROLES[kind].includes(role)) throw errors.roleUnitMismatch(role, kind);
}

/**
 * Staff administration: create, edit, move, disable, reset passwords. Every write is audited with
 * before → after; a role or unit change moves group memberships in the same transaction and then
 * closes the person's sockets on every node (their unit × role rooms change).
 */
export function createPeopleAdminService(deps: {
  db: Kysely<Database>;
  sessions: SessionService;
  sockets: AccountSockets;
  now?: () => number;
}) {
  const { db } = deps;
  const now = deps.now ?? Date.now;

  /** A live unit inside the scope, or not_found (units outside look like no unit). */
  async function unitInScope(scope: AdminScope, unitId: string) {
    const unit = await db
      .selectFrom('units')
      .select(['id', 'kind', 'path', 'retired_at'])
      .where('id', '=', unitId)
      .executeTakeFirst();
    if (!unit || !scope.holds(unit.path)) throw errors.notFound('unit');
    if (unit.retired_at !== null) throw errors.invalid('the unit is retired');
    return unit;
  }

  /** A person inside the scope whom the actor may manage, or not_found / forbidden. */
  async function manageable(scope: AdminScope, id: string) {
    const row = await personQuery(db).where('users.id', '=', id).executeTakeFirst();
    if (!row || !scope.holds(row.unit_path)) throw errors.notFound('person');
    if (!can.assignRole(scope.actor, row.role)) throw errors.forbidden('a station head does not manage this role');
    return row;
  }

  const audit = (actor: Actor, action: string, id: string, before?: object, after?: object) =>
    writeAudit(db, { actorId: actor.id, action, targetType: 'user', targetId: id, detail: { before, after } });

  async function view(id: string): Promise<AdminPersonView> {
    const [v] = await personViews(db, [id]);
    if (!v) throw errors.notFound('person');
    return v;
  }

  return {
    async list(actor: Actor, q: PeopleQuery): Promise<{ people: AdminPersonView[]; nextCursor: string | null }> {
      const scope = await adminScope(db, actor);
      let query = personQuery(db).orderBy('users.id').limit(PAGE);
      if (scope.prefix) query = query.where('units.path', 'like', `${scope.prefix}%`);
      // Residents have their own page; the people page lists them only when asked for by role.
      query = q.role ? query.where('users.role', '=', q.role) : query.where('users.role', '!=', 'resident');
      if (q.unitId) query = query.where('users.unit_id', '=', q.unitId);
      if (q.status) query = query.where('users.disabled_at', q.status === 'active' ? 'is' : 'is not', null);
      if (q.cursor) query = query.where('users.id', '>', q.cursor);
      if (q.q) {
        const like = `%${q.q.replace(/[%_\\]/g, '')}%`;
        query = query.where((eb) =>
          eb.or([eb('users.name', 'like', like), eb('users.login', 'like', like), eb('users.phone', 'like', like)]),
        );
      }
      const rows = await query.execute();
      return { people: rows.map(toPersonView), nextCursor: rows.length === PAGE ? rows.at(-1)!.id : null };
    },

    async create(
      actor: Actor,
      body: PersonCreateBody,
    ): Promise<{ person: AdminPersonView; temporaryPassword: string }> {
      const scope = await adminScope(db, actor);
      if (!can.assignRole(actor, body.role)) throw errors.forbidden('a station head does not assign this role');
      const unit = await unitInScope(scope, body.unitId);
      assertRoleFits(body.role, unit.kind);
      const at = now();
      const temporary = await temporaryPasswordColumns(at);
      const row = personRow(body, temporary.columns, at);
      try {
        await db.transaction().execute(async (trx) => {
          const taken = await trx.selectFrom('users').select('id').where('login', '=', body.login).executeTakeFirst();
          if (taken) throw errors.loginTaken(body.login);
          await trx.insertInto('users').values(row).execute();
          const plan = await loadGroupPlan(trx);
          await moveMemberships(trx, new Map(), new Map([[row.id, plan.wanted({ ...row, id: row.id })]]), at);
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw errors.loginTaken(body.login);
        throw err;
      }
      const { login, name, rank, role, unitId, phone } = body;
      await audit(actor, 'person.create', row.id, undefined, { login, name, rank, role, unitId, phone });
      return { person: await view(row.id), temporaryPassword: temporary.password };
    },

    async patch(actor: Actor, id: string, body: PersonPatchBody): Promise<AdminPersonView> {
      const scope = await adminScope(db, actor);
      const target = await manageable(scope, id);
      const role = body.role ?? target.role;
      if (role !== target.role) {
        if (id === actor.id) throw errors.forbidden('nobody changes their own role');
        if (!can.assignRole(actor, role)) throw errors.forbidden('a station head does not assign this role');
      }
      const unit = body.unitId && body.unitId !== target.unit_id ? await unitInScope(scope, body.unitId) : undefined;
      const kind =
        unit?.kind ??
        (await db.selectFrom('units').select('kind').where('id', '=', target.unit_id).executeTakeFirstOrThrow()).kind;
      assertRoleFits(role, kind);
      const current: Record<Editable, unknown> = {
        name: target.name,
        rank: target.rank,
        phone: target.phone,
        role: target.role,
        unitId: target.unit_id,
      };
      const before: Record<string, unknown> = {};
      const after: Record<string, unknown> = {};
      for (const f of EDITABLE) {
        if (body[f] !== undefined && body[f] !== current[f]) [before[f], after[f]] = [current[f], body[f]];
      }
      if (Object.keys(after).length === 0) return view(id);
      const moved = 'role' in after || 'unitId' in after;
      const at = now();
      await db.transaction().execute(async (trx) => {
        const plan = moved ? await loadGroupPlan(trx) : undefined;
        const was = plan?.wanted({ id, role: target.role, unit_id: target.unit_id });
        await trx
          .updateTable('users')
          .set({
            name: body.name ?? target.name,
            // The display name keeps its title (张三（所长）) when the name changes.
            display_name: body.name ? target.display_name.replace(target.name, body.name) : target.display_name,
            rank: body.rank === undefined ? target.rank : body.rank,
            phone: body.phone === undefined ? target.phone : body.phone,
            role,
            unit_id: body.unitId ?? target.unit_id,
            updated_at: at,
          })
          .where('id', '=', id)
          .execute();
        if (plan && was) {
          const is = plan.wanted({ id, role, unit_id: body.unitId ?? target.unit_id });
          await moveMemberships(trx, new Map([[id, was]]), new Map([[id, is]]), at);
        }
      });
      await audit(actor, 'person.update', id, before, after);
      if (moved) deps.sockets.reconnect([id]);
      return view(id);
    },

    /** Disables an account: its sessions end and its sockets close everywhere. Nobody disables themselves. */
    async setDisabled(actor: Actor, id: string, disabled: boolean): Promise<AdminPersonView> {
      const scope = await adminScope(db, actor);
      if (disabled && id === actor.id) throw errors.forbidden('nobody disables their own account');
      const target = await manageable(scope, id);
      if ((target.disabled_at !== null) !== disabled) {
        const at = now();
        await db
          .updateTable('users')
          .set({ disabled_at: disabled ? at : null, updated_at: at })
          .where('id', '=', id)
          .execute();
        if (disabled) {
          await deps.sessions.invalidateAllForUser(id);
          deps.sockets.endUser(id, 'account_disabled');
        }
        await audit(actor, disabled ? 'person.disable' : 'person.enable', id, { disabled: !disabled }, { disabled });
      }
      return view(id);
    },

    /** A new temporary password (shown once): the old one stops working, sessions end, sockets close. */
    async resetPassword(actor: Actor, id: string): Promise<{ temporaryPassword: string }> {
      const scope = await adminScope(db, actor);
      await manageable(scope, id);
      const at = now();
      const temporary = await temporaryPasswordColumns(at);
      await db
        .updateTable('users')
        .set({ ...temporary.columns, updated_at: at })
        .where('id', '=', id)
        .execute();
      await deps.sessions.invalidateAllForUser(id);
      deps.sockets.endUser(id, 'logged_out');
      await audit(actor, 'person.reset_password', id);
      return { temporaryPassword: temporary.password };
    },
  };
}
export type PeopleAdminService = ReturnType<typeof createPeopleAdminService>;
