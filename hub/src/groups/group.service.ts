import type { Kysely } from 'kysely';
import type { Actor } from '../auth/permissions.ts';
import { can } from '../auth/permissions.ts';
import { openDirect } from '../conversations/conversation-members.ts';
import {
  activeMembersAmong,
  directPartnerNames,
  groupIdsQuery,
  groupListRows,
  groupMembership,
} from '../conversations/conversation-queries.ts';
import type { MessageSender } from '../conversations/message-log.ts';
import { createMessagePipeline, type MessageRates, type SyncRequest } from '../conversations/message-pipeline.ts';
import { writeAudit } from '../audit/audit-log.ts';
import { errors } from '../errors.ts';
import {
  RECALL_WINDOW_MS,
  type GroupKind,
  type GroupView,
  type MessageView,
  type SendMessagePayload,
  type SyncAnswer,
} from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import { personById } from '../org/org-queries.ts';

const SEARCH_LIMIT = 50;

/** What the service tells the transport once a message change is persisted. */
export interface GroupNotifier {
  /** These staff members joined a group (a one-to-one conversation): their sockets join its rooms on every node. */
  joined(groupId: string, userIds: string[]): void;
  messageCreated(message: MessageView): void;
  messageChanged(message: MessageView): void;
}

/**
 * Group chat, transport-free: who may write, quote, mention and take back what in which group.
 * Messages go through the conversation module's pipeline (gap-free seq, client ids, catch-up by
 * cursor); this service decides who may and tells the group.
 */
export function createGroupService(deps: {
  db: Kysely<Database>;
  notify: GroupNotifier;
  rates: MessageRates;
  /** Members' read cursors moved in this group (a read, a send): read counts on staff screens follow. */
  readsMoved?: (groupId: string) => void;
  now?: () => number;
  /** Messages in flight at once share a transaction (group commit); default on. Off: one each (benches compare). */
  groupCommit?: boolean;
}) {
  const { db, notify } = deps;
  const now = deps.now ?? Date.now;
  const readsMoved = deps.readsMoved ?? (() => {});
  const pipeline = createMessagePipeline({ db, rates: deps.rates, now, groupCommit: deps.groupCommit ?? true });
  const groupIdsOf = groupIdsQuery(db);

  /** The caller's active membership, or not_found: another grid's group looks like no group at all. */
  async function membership(actor: Actor, groupId: string) {
    const m = await groupMembership(db, groupId, actor.id);
    if (!m) throw errors.notFound('group');
    return m;
  }

  /** Why the write refused the caller's message (its `member` check): no group of theirs, or muted. */
  async function sendRefusal(actor: Actor, groupId: string, at: number): Promise<Error> {
    const m = await groupMembership(db, groupId, actor.id);
    if (!m) return errors.notFound('group');
    if (m.muted_until !== null && m.muted_until > at) return errors.forbidden('you are muted in this group');
    // Joined or unmuted between the write and this read.
    return errors.conflict('your membership of this group changed: send again');
  }

  /** The caller's groups with unread counts. */
  async function list(actor: Actor): Promise<GroupView[]> {
    const rows = await groupListRows(db, actor.id);
    const otherName = await directPartnerNames(
      db,
      rows.filter((r) => r.kind === 'direct').map((r) => r.id),
      actor.id,
    );
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind as GroupKind,
      // A one-to-one conversation is named after the other person.
      name: r.kind === 'direct' ? (otherName.get(r.id) ?? r.name) : r.name,
      unitId: r.unit_id,
      lastSeq: r.last_seq,
      readSeq: r.read_seq,
      unread: Math.max(0, r.last_seq - r.read_seq),
      memberCount: Number(r.member_count ?? 0),
      mutedUntil: r.muted_until !== null && r.muted_until > now() ? r.muted_until : null,
      notice:
        r.notice_text && r.notice_at !== null
          ? {
              text: r.notice_text,
              by: { id: r.nb_id ?? '', name: r.nb_name ?? '' },
              at: r.notice_at,
              read: r.read_notice_at === r.notice_at,
              readCount: actor.role === 'resident' ? null : Number(r.notice_reads ?? 0),
            }
          : null,
    }));
  }

  return {
    /** Ids of the groups a person belongs to (the transport joins their rooms). */
    groupIdsOf,
    list,

    /** Finds or opens the one-to-one conversation between two staff members. */
    async direct(actor: Actor, userId: string): Promise<GroupView> {
      if (userId === actor.id) throw errors.invalid('a conversation needs someone else');
      const other = await personById(db, userId);
      if (!other || other.disabled_at !== null || !can.writeDirect(actor.role, other.role))
        throw errors.notFound('person');
      const groupId = await openDirect(db, [actor.id, userId], now());
      notify.joined(groupId, [actor.id, userId]);
      return (await list(actor)).find((g) => g.id === groupId)!;
    },

    /**
     * A message to a group the caller belongs to, through the conversation pipeline (a retried
     * client id answers with the first message and announces it again, while rate allows).
     * `sender`: the caller as the message's event shows them, when the transport holds it (a
     * socket's principal). Nothing is read before the write: its own statements check that the
     * caller is an unmuted member and that a quote exists, and its unique index finds a retry.
     */
    async send(
      actor: Actor,
      p: SendMessagePayload,
      sender?: MessageSender,
    ): Promise<{ message: MessageView; duplicate: boolean }> {
      const at = now();
      const mentioned = [...new Set(p.mentions ?? [])];
      const mentions = p.mentionAll ? JSON.stringify('all') : mentioned.length ? JSON.stringify(mentioned) : null;
      const message = {
        groupId: p.groupId,
        clientId: p.clientId,
        text: p.text,
        replyToSeq: p.replyToSeq ?? null,
        mentions,
        imageId: p.imageId ?? null,
        known: { ...(sender && { sender }) },
        member: { at, refusal: () => sendRefusal(actor, p.groupId, at) },
      };
      return pipeline.send(actor, message, {
        duplicatesAtWrite: true,
        prepare: async () => {
          if (p.mentionAll && !can.mentionAll(actor.role)) throw errors.forbidden('only staff may mention everyone');
          if (mentioned.length === 0) return;
          // Whom a group holds is for its members to know: a stranger learns only that it is no group of theirs.
          await membership(actor, p.groupId);
          if ((await activeMembersAmong(db, p.groupId, mentioned)).length !== mentioned.length)
            throw errors.invalid('a mentioned person is not in this group');
        },
        announce: (m) => {
          notify.messageCreated(m);
          // The sender has read up to their message, and a staff message starts with its unread count.
          readsMoved(m.groupId);
        },
      });
    },

    /**
     * Catch-up after (re)connecting, over the caller's groups only (see the pipeline's sync).
     * `joined`: the groups whose rooms the caller's socket is in, which follow membership live;
     * the membership is read only when a cursor names a group outside them.
     */
    async sync(actor: Actor, req: SyncRequest, joined?: ReadonlySet<string>): Promise<SyncAnswer> {
      const known = joined && Object.keys(req.cursors).every((id) => joined.has(id));
      return pipeline.sync(known ? joined : new Set(await groupIdsOf(actor.id)), req);
    },

    /** Searches the text of the caller's groups (or of one of them), newest first, with match positions. */
    async search(
      actor: Actor,
      query: string,
      groupId?: string,
    ): Promise<{ message: MessageView; matches: [number, number][] }[]> {
      const mine = await groupIdsOf(actor.id);
      const scope = groupId ? mine.filter((g) => g === groupId) : mine;
      if (groupId && scope.length === 0) throw errors.notFound('group');
      return pipeline.search(scope, query, SEARCH_LIMIT);
    },

    /** Older messages of one group, for scrolling back. */
    async history(actor: Actor, groupId: string, beforeSeq: number | undefined, limit = 50): Promise<MessageView[]> {
      await membership(actor, groupId);
      return pipeline.history(groupId, beforeSeq, limit);
    },

    /** Moves the caller's read cursor forward (never back, never past the last message). */
    async markRead(actor: Actor, groupId: string, seq: number): Promise<{ readSeq: number }> {
      const before = (await membership(actor, groupId)).read_seq;
      const { readSeq } = await pipeline.markRead(groupId, actor.id, seq);
      if (readSeq > Number(before)) readsMoved(groupId);
      return { readSeq };
    },

    /**
     * Recall (撤回) one's own message within two minutes, or remove any message of a group as one of
     * its moderators (officers, station heads, the grid's own grid workers). Either leaves a
     * placeholder for everyone; a removal is audited (who, which message, never its text).
     */
    async recall(actor: Actor, groupId: string, seq: number): Promise<MessageView> {
      const group = await membership(actor, groupId);
      const message = await pipeline.takeBack(
        groupId,
        seq,
        (m) => {
          const own = m.sender.id === actor.id;
          if (own && now() - m.createdAt <= RECALL_WINDOW_MS) return 'recalled';
          if (can.moderateGroup(actor, { kind: group.kind, unitId: group.unit_id })) return 'removed';
          if (own) throw errors.forbidden('a message can be recalled within 2 minutes only');
          throw errors.forbidden("only its sender or the group's moderators may take a message back");
        },
        // The removal and its audit entry land together: no removal goes unrecorded.
        async (trx, m, status) => {
          if (status === 'removed')
            await writeAudit(trx, {
              actorId: actor.id,
              action: 'group.message_remove',
              targetType: 'message',
              targetId: m.id,
              detail: { groupId, seq, senderId: m.sender.id },
            });
        },
      );
      notify.messageChanged(message);
      return message;
    },
  };
}
export type GroupService = ReturnType<typeof createGroupService>;
