import { sql, type Kysely } from 'kysely';
import type { AccountSockets } from '../realtime/account-sockets.ts';
import { writeAudit } from '../audit/audit-log.ts';
import type { Actor } from '../auth/permissions.ts';
import type { SessionService } from '../auth/session.service.ts';
import { errors } from '../errors.ts';
import { approvePendingMember, leaveAllGroups, loadGroupPlan, moveMemberships } from '../groups/unit-groups.ts';
import { DELETED_USER_NAME, type AdminResidentView, type ResidentsQuery } from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import { adminScope, type AdminScope } from './admin-scope.ts';

const PAGE = 100;
type Db = Kysely<Database>;

/**
 * Residents as the registration queue sees them: pending while their grid group membership waits
 * for approval, rejected when a reviewer said no (resident_reviews, owned here), active otherwise.
 */
function residentQuery(db: Db) {
  return db
    .selectFrom('users')
    .innerJoin('units', 'units.id', 'users.unit_id')
    .leftJoin('resident_reviews as rr', 'rr.user_id', 'users.id')
    .leftJoin('groups as g', (j) => j.onRef('g.unit_id', '=', 'users.unit_id').on('g.kind', '=', 'grid'))
    .leftJoin('group_members as gm', (j) => j.onRef('gm.group_id', '=', 'g.id').onRef('gm.user_id', '=', 'users.id'))
    .select([
      'users.id',
      'users.name',
      'users.phone',
      'users.unit_id',
      'users.created_at',
      'units.name as grid_name',
      'units.path',
      'rr.status as review',
      'rr.reason',
      'gm.status as membership',
    ])
    .where('users.role', '=', 'resident')
    .where('users.deleted_at', 'is', null);
}
type ResidentRow = Awaited<ReturnType<ReturnType<typeof residentQuery>['executeTakeFirstOrThrow']>>;

function toView(r: ResidentRow): AdminResidentView {
  const status = r.review === 'rejected' ? 'rejected' : r.membership === 'pending' ? 'pending' : 'active';
  return {
    id: r.id,
    name: r.name,
    phone: r.phone,
    gridId: r.unit_id,
    gridName: r.grid_name,
    status,
    registeredAt: r.created_at,
    rejectReason: r.review === 'rejected' ? r.reason : null,
  };
}

/**
 * The residents' registration queue per grid: approve, reject with a reason, move to another grid,
 * and remove an account on request (personal data erased; their messages stay, shown as 已注销用户).
 */
export function createResidentAdminService(deps: {
  db: Db;
  sessions: SessionService;
  sockets: AccountSockets;
  now?: () => number;
}) {
  const { db } = deps;
  const now = deps.now ?? Date.now;

  async function resident(scope: AdminScope, id: string): Promise<ResidentRow> {
    const row = await residentQuery(db).where('users.id', '=', id).executeTakeFirst();
    if (!row || !scope.holds(row.path)) throw errors.notFound('resident');
    return row;
  }
  const view = async (scope: AdminScope, id: string) => toView(await resident(scope, id));

  async function review(
    trx: Db,
    userId: string,
    actorId: string,
    status: 'active' | 'rejected',
    reason: string | null,
  ) {
    const values = { status, reason, reviewed_by: actorId, reviewed_at: now() };
    await trx
      .insertInto('resident_reviews')
      .values({ user_id: userId, ...values })
      .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
      .execute();
  }

  const audit = (actor: Actor, action: string, id: string, before?: object, after?: object) =>
    writeAudit(db, { actorId: actor.id, action, targetType: 'resident', targetId: id, detail: { before, after } });

  return {
    async list(
      actor: Actor,
      q: ResidentsQuery,
    ): Promise<{ residents: AdminResidentView[]; nextCursor: string | null }> {
      const scope = await adminScope(db, actor);
      let query = residentQuery(db).orderBy('users.id').limit(PAGE);
      if (scope.prefix) query = query.where('units.path', 'like', `${scope.prefix}%`);
      if (q.gridId) query = query.where('users.unit_id', '=', q.gridId);
      if (q.cursor) query = query.where('users.id', '>', q.cursor);
      if (q.status === 'rejected') query = query.where('rr.status', '=', 'rejected');
      else if (q.status) {
        query = query.where((eb) => eb.or([eb('rr.status', 'is', null), eb('rr.status', '!=', 'rejected')]));
        query =
          q.status === 'pending'
            ? query.where('gm.status', '=', 'pending')
            : query.where((eb) => eb.or([eb('gm.status', 'is', null), eb('gm.status', '!=', 'pending')]));
      }
      if (q.q) {
        const like = `%${q.q.replace(/[%_\\]/g, '')}%`;
        query = query.where((eb) => eb.or([eb('users.name', 'like', like), eb('users.phone', 'like', like)]));
      }
      const rows = await query.execute();
      return { residents: rows.map(toView), nextCursor: rows.length === PAGE ? rows.at(-1)!.id : null };
    },

    /** Lets a registered resident into their grid's group. */
    async approve(actor: Actor, id: string): Promise<AdminResidentView> {
      const scope = await adminScope(db, actor);
      const before = toView(await resident(scope, id));
      if (before.status === 'rejected') throw errors.conflict('the registration was rejected');
      await db.transaction().execute(async (trx) => {
        await approvePendingMember(trx, id);
        await review(trx, id, actor.id, 'active', null);
      });
      await audit(actor, 'resident.approve', id, { status: before.status }, { status: 'active' });
      deps.sockets.reconnect([id]);
      return view(scope, id);
    },

    /** Refuses a registration: the account is disabled and leaves the grid's group; the reason is kept. */
    async reject(actor: Actor, id: string, reason: string): Promise<AdminResidentView> {
      const scope = await adminScope(db, actor);
      const before = toView(await resident(scope, id));
      const at = now();
      await db.transaction().execute(async (trx) => {
        await review(trx, id, actor.id, 'rejected', reason);
        await leaveAllGroups(trx, id);
        await trx.updateTable('users').set({ disabled_at: at, updated_at: at }).where('id', '=', id).execute();
      });
      await deps.sessions.invalidateAllForUser(id);
      deps.sockets.endUser(id, 'account_disabled');
      await audit(actor, 'resident.reject', id, { status: before.status }, { status: 'rejected', reason });
      return view(scope, id);
    },

    /** Moves a resident to another grid of the scope; a pending registration stays pending there. */
    async move(actor: Actor, id: string, gridId: string): Promise<AdminResidentView> {
      const scope = await adminScope(db, actor);
      const before = await resident(scope, id);
      const grid = await db
        .selectFrom('units')
        .select(['id', 'kind', 'path', 'retired_at'])
        .where('id', '=', gridId)
        .executeTakeFirst();
      if (!grid || !scope.holds(grid.path)) throw errors.notFound('grid');
      if (grid.kind !== 'grid') throw errors.roleUnitMismatch('resident', grid.kind);
      if (grid.retired_at !== null) throw errors.invalid('the grid is retired');
      if (gridId === before.unit_id) return toView(before);
      const at = now();
      await db.transaction().execute(async (trx) => {
        const plan = await loadGroupPlan(trx);
        const was = plan.wanted({ id, role: 'resident', unit_id: before.unit_id });
        await trx.updateTable('users').set({ unit_id: gridId, updated_at: at }).where('id', '=', id).execute();
        const is = plan.wanted({ id, role: 'resident', unit_id: gridId });
        await moveMemberships(trx, new Map([[id, was]]), new Map([[id, is]]), at);
      });
      await audit(actor, 'resident.move', id, { gridId: before.unit_id }, { gridId });
      deps.sockets.reconnect([id]);
      return view(scope, id);
    },

    /**
     * Removes a resident's account on request: name, phone and log-in erased, password gone, out of
     * every group; the row stays so their messages still show, under 已注销用户. Not undoable.
     */
    async remove(actor: Actor, id: string): Promise<void> {
      const scope = await adminScope(db, actor);
      const before = await resident(scope, id);
      const at = now();
      await db.transaction().execute(async (trx) => {
        await leaveAllGroups(trx, id);
        await trx.deleteFrom('resident_reviews').where('user_id', '=', id).execute();
        await trx
          .updateTable('users')
          .set({
            name: DELETED_USER_NAME,
            display_name: DELETED_USER_NAME,
            login: sql<string>`${'deleted:'} || id`,
            phone: null,
            rank: null,
            password_hash: null,
            password_change_required: 0,
            password_expires_at: null,
            disabled_at: at,
            deleted_at: at,
            updated_at: at,
          })
          .where('id', '=', id)
          .execute();
      });
      await deps.sessions.invalidateAllForUser(id);
      deps.sockets.endUser(id, 'account_disabled');
      // No personal data in the audit either: the grid is enough to know whose request it was.
      await audit(actor, 'resident.delete', id, { gridId: before.unit_id }, { deleted: true });
    },
  };
}
export type ResidentAdminService = ReturnType<typeof createResidentAdminService>;
