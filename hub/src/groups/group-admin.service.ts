import type { Kysely } from 'kysely';
import type { Actor } from '../auth/permissions.ts';
import { can } from '../auth/permissions.ts';
import { writeAudit } from '../audit/audit-log.ts';
import { errors } from '../errors.ts';
import {
  addMembers,
  markNoticeRead,
  pinNotice,
  setMemberStatus,
  setMutedUntil,
} from '../conversations/conversation-members.ts';
import { groupMembership, groupsOfKind, memberOf, membersOf } from '../conversations/conversation-queries.ts';
import type { GroupMemberPayload, GroupMemberView } from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';

/** How long a resident turned away or removed waits before asking to join again. */
export const ASK_AGAIN_AFTER_MS = 24 * 60 * 60_000;

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
 * Keeping a group in order: the pinned notice (群公告) and who has read it, letting residents in,
 * muting (禁言) and removing them. The group's officers and station heads moderate, and a grid's
 * own grid workers pin its notice and let in and mute its residents (permissions.ts); only
 * residents are moderated: staff membership follows the unit tree.
 */
export function createGroupAdminService(deps: {
  db: Kysely<Database>;
  notify: GroupAdminNotifier;
  now?: () => number;
}) {
  const { db, notify } = deps;
  const now = deps.now ?? Date.now;

  /** The caller's group (never a hotline thread), or not_found. */
  async function ownGroup(actor: Actor, groupId: string) {
    const g = await groupMembership(db, groupId, actor.id);
    if (!g) throw errors.notFound('group');
    return g;
  }

  return {
    /** Pins a notice; everyone's read mark resets because the version (its time) changes. */
    async setNotice(actor: Actor, groupId: string, text: string): Promise<{ at: number }> {
      const g = await ownGroup(actor, groupId);
      if (!can.moderateGroup(actor, { kind: g.kind, unitId: g.unit_id }))
        throw errors.forbidden("only the group's officers and its grid workers pin notices");
      const at = now();
      await db.transaction().execute(async (tx) => {
        await pinNotice(tx, groupId, { text, by: actor.id, at });
        await writeAudit(
          tx,
          { actorId: actor.id, action: 'group.notice_pin', targetType: 'group', targetId: groupId },
          at,
        );
      });
      notify.groupChanged(groupId);
      return { at };
    },

    /** Marks the current notice read by the caller (a member). */
    async readNotice(actor: Actor, groupId: string): Promise<{ read: boolean }> {
      const g = await ownGroup(actor, groupId);
      if (g.notice_at === null) throw errors.notFound('notice');
      await markNoticeRead(db, groupId, actor.id, g.notice_at);
      return { read: true };
    },

    /**
     * Lets a waiting resident in or turns them away, mutes, unmutes or removes a resident; the change
     * and its audit entry land in one transaction, so no change goes unrecorded.
     */
    async member(actor: Actor, p: GroupMemberPayload): Promise<GroupMemberView> {
      const g = await ownGroup(actor, p.groupId);
      if (!can.manageGroupMembers(actor, { kind: g.kind, unitId: g.unit_id }, p.action))
        throw errors.forbidden(
          p.action === 'remove'
            ? "only the group's officers remove its members"
            : "only the group's officers and its grid workers manage its members",
        );
      const waiting = p.action === 'approve' || p.action === 'reject';
      const at = now();
      const view = await db.transaction().execute(async (tx) => {
        const target = await memberOf(tx, p.groupId, p.userId, waiting ? ['pending'] : ['active']);
        if (!target) throw errors.notFound('member');
        if (target.role !== 'resident') throw errors.forbidden('staff membership follows the unit tree');
        let mutedUntil: number | null = target.muted_until;
        let status: GroupMemberView['status'] = 'active';
        if (p.action === 'approve') await setMemberStatus(tx, [p.groupId], p.userId, 'active', at);
        else if (p.action === 'reject' || p.action === 'remove') {
          // Stamped with the time, so that asking again can wait a day (askAgain).
          await setMemberStatus(tx, [p.groupId], p.userId, 'removed', at);
          status = 'removed';
        } else {
          mutedUntil = p.action === 'mute' ? at + p.minutes * 60_000 : null;
          await setMutedUntil(tx, p.groupId, p.userId, mutedUntil);
        }
        await writeAudit(
          tx,
          {
            actorId: actor.id,
            action: `group.member_${p.action}`,
            targetType: 'group',
            targetId: p.groupId,
            detail: { userId: p.userId, ...(p.action === 'mute' ? { minutes: p.minutes } : {}) },
          },
          at,
        );
        return { id: target.id, name: target.name, role: target.role, mutedUntil, status };
      });
      if (p.action === 'approve') notify.memberApproved(p.groupId, p.userId);
      if (p.action === 'remove') notify.memberRemoved(p.groupId, p.userId);
      notify.groupChanged(p.groupId);
      return view;
    },

    /**
     * A newly registered resident asks to join their grid's group (入群申请); a staff member of the
     * group approves them. Called by registration.
     */
    async requestJoin(gridUnitId: string, userId: string): Promise<void> {
      const [group] = await groupsOfKind(db, 'grid', [gridUnitId]);
      if (!group) return;
      await addMembers(db, group.id, [userId], { at: now(), status: 'pending' });
      notify.groupChanged(group.id);
    },

    /**
     * A resident turned away (拒绝) or removed from their grid's group asks to join again (再次申请):
     * they wait for approval once more and staff see them in the waiting list. Staff decide again,
     * so asking is open to anyone removed, for cause or by mistake; what bounds it is time: at most
     * once a day after being turned away, so a refused resident cannot flood the waiting list (a
     * second refusal starts the day again). A resident already waiting is told so and nothing changes.
     */
    async askAgain(actor: Actor): Promise<{ groupId: string }> {
      if (actor.role !== 'resident') throw errors.forbidden('staff membership follows the unit tree');
      const [group] = await groupsOfKind(db, 'grid', [actor.unitId]);
      if (!group) throw errors.notFound('group');
      const at = now();
      await db.transaction().execute(async (tx) => {
        const mine = await memberOf(tx, group.id, actor.id, ['active', 'pending', 'removed']);
        if (mine?.status === 'active') throw errors.conflict('already a member of the group');
        if (mine?.status === 'pending') throw errors.conflict('already waiting for approval');
        const wait = mine ? Number(mine.joined_at) + ASK_AGAIN_AFTER_MS - at : 0;
        if (wait > 0) throw errors.rateLimited(Math.ceil(wait / 1000));
        if (mine) await setMemberStatus(tx, [group.id], actor.id, 'pending', at);
        else await addMembers(tx, group.id, [actor.id], { at, status: 'pending' });
        await writeAudit(
          tx,
          { actorId: actor.id, action: 'group.join_request', targetType: 'group', targetId: group.id },
          at,
        );
      });
      notify.groupChanged(group.id);
      return { groupId: group.id };
    },

    /** The members of a group the caller belongs to; staff also see who waits for approval. */
    async members(actor: Actor, groupId: string): Promise<GroupMemberView[]> {
      // A hotline thread is not a group: who handles it is not listed here.
      await ownGroup(actor, groupId);
      const rows = await membersOf(db, groupId, actor.role === 'resident' ? ['active'] : ['active', 'pending']);
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
