import type { Kysely } from 'kysely';
import type { Actor } from '../auth/permissions.ts';
import { can } from '../auth/permissions.ts';
import { errors } from '../errors.ts';
import { HOTLINE_CONVERSATION_KIND, type GroupMemberPayload, type GroupMemberView } from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';

/** What the transport must do when membership or the notice changes. */
export interface GroupAdminNotifier {
  /** The group's notice or member list changed: members refresh their group list. */
  groupChanged(groupId: string): void;
  /** Someone left the group: their sockets leave its room at once. */
  memberRemoved(groupId: string, userId: string): void;
  /** A registered resident was let in: their sockets join the room at once. */
  memberApproved(groupId: string, userId: string): void;
}

/**
 * Keeping a group in order: the pinned notice (群公告) and who has read it, muting (禁言) and
 * removing residents. Only the group's officers and station heads moderate, and only residents
 * are moderated: staff membership follows the unit tree.
 */
export function createGroupAdminService(deps: {
  db: Kysely<Database>;
  notify: GroupAdminNotifier;
  now?: () => number;
}) {
  const { db, notify } = deps;
  const now = deps.now ?? Date.now;

  async function moderatedGroup(actor: Actor, groupId: string) {
    const g = await db
      .selectFrom('group_members as gm')
      .innerJoin('groups as g', 'g.id', 'gm.group_id')
      .select(['g.id', 'g.kind', 'g.notice_at'])
      .where('gm.group_id', '=', groupId)
      .where('gm.user_id', '=', actor.id)
      .where('gm.status', '=', 'active')
      .where('g.kind', '!=', HOTLINE_CONVERSATION_KIND)
      .executeTakeFirst();
    if (!g) throw errors.notFound('group');
    if (!can.moderateGroup(actor, g.kind)) throw errors.forbidden("only the group's officers keep order here");
    return g;
  }

  return {
    /** Pins a notice; everyone's read mark resets because the version (its time) changes. */
    async setNotice(actor: Actor, groupId: string, text: string): Promise<{ at: number }> {
      await moderatedGroup(actor, groupId);
      const at = now();
      await db
        .updateTable('groups')
        .set({ notice_text: text, notice_by: actor.id, notice_at: at })
        .where('id', '=', groupId)
        .execute();
      // The author has read what they wrote.
      await db
        .insertInto('group_notice_reads')
        .values({ group_id: groupId, user_id: actor.id, notice_at: at })
        .onConflict((oc) => oc.columns(['group_id', 'user_id']).doUpdateSet({ notice_at: at }))
        .execute();
      notify.groupChanged(groupId);
      return { at };
    },

    /** Marks the current notice read by the caller (a member). */
    async readNotice(actor: Actor, groupId: string): Promise<{ read: boolean }> {
      const g = await db
        .selectFrom('group_members as gm')
        .innerJoin('groups as g', 'g.id', 'gm.group_id')
        .select('g.notice_at')
        .where('gm.group_id', '=', groupId)
        .where('gm.user_id', '=', actor.id)
        .where('gm.status', '=', 'active')
        .where('g.kind', '!=', HOTLINE_CONVERSATION_KIND)
        .executeTakeFirst();
      if (!g) throw errors.notFound('group');
      if (g.notice_at === null) throw errors.notFound('notice');
      await db
        .insertInto('group_notice_reads')
        .values({ group_id: groupId, user_id: actor.id, notice_at: g.notice_at })
        .onConflict((oc) => oc.columns(['group_id', 'user_id']).doUpdateSet({ notice_at: g.notice_at! }))
        .execute();
      return { read: true };
    },

    async member(actor: Actor, p: GroupMemberPayload): Promise<GroupMemberView> {
      await moderatedGroup(actor, p.groupId);
      const target = await db
        .selectFrom('group_members as gm')
        .innerJoin('users as u', 'u.id', 'gm.user_id')
        .select(['u.id', 'u.name', 'u.role', 'gm.muted_until', 'gm.status'])
        .where('gm.group_id', '=', p.groupId)
        .where('gm.user_id', '=', p.userId)
        .where('gm.status', 'in', p.action === 'approve' ? ['pending'] : ['active'])
        .executeTakeFirst();
      if (!target) throw errors.notFound('member');
      if (target.role !== 'resident') throw errors.forbidden('staff membership follows the unit tree');
      let mutedUntil: number | null = target.muted_until;
      if (p.action === 'approve') {
        await db
          .updateTable('group_members')
          .set({ status: 'active', joined_at: now() })
          .where('group_id', '=', p.groupId)
          .where('user_id', '=', p.userId)
          .execute();
        notify.memberApproved(p.groupId, p.userId);
      } else if (p.action === 'remove') {
        await db
          .updateTable('group_members')
          .set({ status: 'removed' })
          .where('group_id', '=', p.groupId)
          .where('user_id', '=', p.userId)
          .execute();
        notify.memberRemoved(p.groupId, p.userId);
      } else {
        mutedUntil = p.action === 'mute' ? now() + p.minutes * 60_000 : null;
        await db
          .updateTable('group_members')
          .set({ muted_until: mutedUntil })
          .where('group_id', '=', p.groupId)
          .where('user_id', '=', p.userId)
          .execute();
      }
      notify.groupChanged(p.groupId);
      return { id: target.id, name: target.name, role: target.role, mutedUntil, status: 'active' };
    },

    /**
     * A newly registered resident asks to join their grid's group (入群申请); a staff member of the
     * group approves them. Called by registration.
     */
    async requestJoin(gridUnitId: string, userId: string): Promise<void> {
      const group = await db
        .selectFrom('groups')
        .select('id')
        .where('unit_id', '=', gridUnitId)
        .where('kind', '=', 'grid')
        .executeTakeFirst();
      if (!group) return;
      await db
        .insertInto('group_members')
        .values({
          group_id: group.id,
          user_id: userId,
          status: 'pending',
          read_seq: 0,
          joined_at: now(),
          muted_until: null,
        })
        .onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing())
        .execute();
      notify.groupChanged(group.id);
    },

    /** The members of a group the caller belongs to; staff also see who waits for approval. */
    async members(actor: Actor, groupId: string): Promise<GroupMemberView[]> {
      // A hotline thread is not a group: who handles it is not listed here.
      const mine = await db
        .selectFrom('group_members as gm')
        .innerJoin('groups as g', 'g.id', 'gm.group_id')
        .select('gm.user_id')
        .where('gm.group_id', '=', groupId)
        .where('gm.user_id', '=', actor.id)
        .where('gm.status', '=', 'active')
        .where('g.kind', '!=', HOTLINE_CONVERSATION_KIND)
        .executeTakeFirst();
      if (!mine) throw errors.notFound('group');
      const rows = await db
        .selectFrom('group_members as gm')
        .innerJoin('users as u', 'u.id', 'gm.user_id')
        .select(['u.id', 'u.name', 'u.role', 'gm.muted_until', 'gm.status'])
        .where('gm.group_id', '=', groupId)
        .where('gm.status', 'in', actor.role === 'resident' ? ['active'] : ['active', 'pending'])
        .orderBy('u.name')
        .execute();
      const t = now();
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        role: r.role,
        mutedUntil: r.muted_until !== null && r.muted_until > t ? r.muted_until : null,
        status: r.status === 'pending' ? 'pending' : 'active',
      }));
    },
  };
}
export type GroupAdminService = ReturnType<typeof createGroupAdminService>;
