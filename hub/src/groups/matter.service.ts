import type { Kysely } from 'kysely';
import type { Actor } from '../auth/permissions.ts';
import { can } from '../auth/permissions.ts';
import { memberOf, messageExists } from '../conversations/conversation-queries.ts';
import { errors } from '../errors.ts';
import { newId } from '../ids.ts';
import {
  MATTER_LATE_DAYS,
  MATTER_OLDEST_LIMIT,
  type MatterCreatePayload,
  type MatterOpenSummary,
  type MatterStatus,
  type MatterUpdatePayload,
  type MatterView,
} from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import type { GroupService } from './group.service.ts';
import { openMattersOf } from './matter-queries.ts';

/** Tells the transport a matter changed (its group's members see the matters panel update). */
export interface MatterNotifier {
  matterChanged(matter: MatterView): void;
}

/**
 * Matters (登记问题): a group message becomes a tracked problem with a category, an assignee and a
 * status; resolving it posts the answer back into the group, quoting the original message
 * (问题在群内反映、矛盾在群内解决、结果在群内反馈).
 */
export function createMatterService(deps: {
  db: Kysely<Database>;
  groups: GroupService;
  notify: MatterNotifier;
  now?: () => number;
}) {
  const { db, groups, notify } = deps;
  const now = deps.now ?? Date.now;

  const select = () =>
    db
      .selectFrom('matters as m')
      .innerJoin('users as c', 'c.id', 'm.created_by')
      .leftJoin('users as a', 'a.id', 'm.assignee_id')
      .select([
        'm.id',
        'm.group_id',
        'm.seq',
        'm.category',
        'm.title',
        'm.status',
        'm.department',
        'm.answer_seq',
        'm.created_at',
        'm.updated_at',
        'c.id as c_id',
        'c.name as c_name',
        'a.id as a_id',
        'a.name as a_name',
      ]);
  type Row = Awaited<ReturnType<ReturnType<typeof select>['executeTakeFirstOrThrow']>>;
  const toView = (r: Row): MatterView => ({
    id: r.id,
    groupId: r.group_id,
    seq: r.seq,
    category: r.category,
    title: r.title,
    status: r.status,
    assignee: r.a_id ? { id: r.a_id, name: r.a_name ?? '' } : null,
    department: r.department,
    answerSeq: r.answer_seq,
    createdBy: { id: r.c_id, name: r.c_name },
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  });
  const view = async (id: string) => toView(await select().where('m.id', '=', id).executeTakeFirstOrThrow());

  async function requireMember(actor: Actor, groupId: string): Promise<void> {
    if (!(await groups.groupIdsOf(actor.id)).includes(groupId)) throw errors.notFound('group');
  }

  async function requireStaffMember(groupId: string, userId: string): Promise<void> {
    const row = await memberOf(db, groupId, userId);
    if (!row || !can.handleMatters(row.role)) throw errors.invalid('the assignee must be a staff member of this group');
  }

  /** A matter the caller may change: a staff member of its group. Others see not_found. */
  async function managed(actor: Actor, matterId: string) {
    const row = await db
      .selectFrom('matters')
      .select(['id', 'group_id', 'seq', 'status'])
      .where('id', '=', matterId)
      .executeTakeFirst();
    if (!row) throw errors.notFound('matter');
    await requireMember(actor, row.group_id).catch(() => {
      throw errors.notFound('matter');
    });
    if (!can.handleMatters(actor.role)) throw errors.forbidden('only staff handle matters');
    return row;
  }

  async function setStatus(
    matterId: string,
    status: MatterStatus,
    extra: { assignee_id?: string; department?: string; answer_seq?: number } = {},
  ) {
    await db
      .updateTable('matters')
      .set({ status, updated_at: now(), ...extra })
      .where('id', '=', matterId)
      .execute();
    const v = await view(matterId);
    notify.matterChanged(v);
    return v;
  }

  return {
    async create(actor: Actor, p: MatterCreatePayload): Promise<MatterView> {
      await requireMember(actor, p.groupId);
      if (!can.handleMatters(actor.role)) throw errors.forbidden('only staff register matters');
      const existing = await db
        .selectFrom('matters')
        .select('id')
        .where('created_by', '=', actor.id)
        .where('client_id', '=', p.clientId)
        .executeTakeFirst();
      if (existing) return view(existing.id);
      if (!(await messageExists(db, p.groupId, p.seq))) throw errors.notFound('message');
      if (p.assigneeId) await requireStaffMember(p.groupId, p.assigneeId);
      const id = newId();
      const t = now();
      await db
        .insertInto('matters')
        .values({
          id,
          group_id: p.groupId,
          seq: p.seq,
          client_id: p.clientId,
          category: p.category,
          title: p.title,
          status: 'open',
          assignee_id: p.assigneeId ?? null,
          department: null,
          answer_seq: null,
          created_by: actor.id,
          created_at: t,
          updated_at: t,
        })
        .execute();
      const v = await view(id);
      notify.matterChanged(v);
      return v;
    },

    async update(actor: Actor, p: MatterUpdatePayload): Promise<MatterView> {
      const m = await managed(actor, p.matterId);
      if (m.status === 'resolved' || m.status === 'handed_off')
        throw errors.conflict(`the matter is already ${m.status}`);
      switch (p.action) {
        case 'start':
          return setStatus(m.id, 'in_progress');
        case 'assign':
          await requireStaffMember(m.group_id, p.assigneeId);
          return setStatus(m.id, m.status, { assignee_id: p.assigneeId });
        case 'hand_off':
          return setStatus(m.id, 'handed_off', { department: p.department });
        case 'resolve': {
          const { message } = await groups.send(actor, {
            groupId: m.group_id,
            clientId: p.clientId,
            text: p.answer,
            replyToSeq: m.seq,
          });
          return setStatus(m.id, 'resolved', { answer_seq: message.seq });
        }
      }
    },

    /** A group's matters, for its members only. */
    async list(actor: Actor, groupId: string, status?: MatterStatus): Promise<MatterView[]> {
      await requireMember(actor, groupId);
      let q = select().where('m.group_id', '=', groupId).orderBy('m.id', 'desc').limit(200);
      if (status) q = q.where('m.status', '=', status);
      return (await q.execute()).map(toView);
    },

    /** What is open across the caller's own groups (the station head's overview); staff only. */
    async openSummary(actor: Actor): Promise<MatterOpenSummary> {
      if (!can.handleMatters(actor.role)) throw errors.forbidden('matters are handled by staff');
      const lateBefore = now() - MATTER_LATE_DAYS * 86_400_000;
      const out = await openMattersOf(db, actor.id, lateBefore, MATTER_OLDEST_LIMIT);
      return {
        ok: true,
        open: out.open,
        late: out.late,
        lateAfterDays: MATTER_LATE_DAYS,
        oldest: out.oldest.map((r) => ({
          id: r.id,
          groupId: r.group_id,
          groupName: r.name,
          title: r.title,
          category: r.category,
          createdAt: r.created_at,
        })),
      };
    },
  };
}
export type MatterService = ReturnType<typeof createMatterService>;
