import { sql, type Kysely } from 'kysely';
import { createRateLimiter } from '../rate-limiter.ts';
import type { Actor } from '../auth/permissions.ts';
import { can } from '../auth/permissions.ts';
import { errors } from '../errors.ts';
import { newId } from '../ids.ts';
import {
  HOTLINE_CONVERSATION_KIND,
  RECALL_WINDOW_MS,
  type GroupKind,
  type GroupView,
  type MessageView,
  type SendMessagePayload,
  type SyncAnswer,
} from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import { createMessageLog } from './message-log.ts';

/** What the service tells the transport once a message change is persisted. */
export interface GroupNotifier {
  /** These people joined a group: their sockets join its room on every node. */
  joined(groupId: string, userIds: string[]): void;
  messageCreated(message: MessageView): void;
  messageChanged(message: MessageView): void;
}

const SYNC_LIMIT = 500;

/** Send rates per person: residents are untrusted, so a smaller burst and a slower refill. */
export interface MessageRates {
  staffPerMinute: number;
  staffBurst: number;
  residentPerMinute: number;
  residentBurst: number;
}

/**
 * Group chat, transport-free. Every message takes the next gap-free seq of its group inside the
 * transaction that stores it; the group row's lock orders concurrent senders. A client catches up
 * by asking for what came after its last seq per group.
 */
export function createGroupService(deps: {
  db: Kysely<Database>;
  notify: GroupNotifier;
  rates: MessageRates;
  now?: () => number;
}) {
  const { db, notify } = deps;
  const now = deps.now ?? Date.now;
  const staffRate = createRateLimiter({
    capacity: deps.rates.staffBurst,
    perSecond: deps.rates.staffPerMinute / 60,
    now,
  });
  const residentRate = createRateLimiter({
    capacity: deps.rates.residentBurst,
    perSecond: deps.rates.residentPerMinute / 60,
    now,
  });

  const log = createMessageLog({ db, now });
  const messageSelect = log.select;
  const toView = log.toView;

  /** The caller's active membership, or not_found: another grid's group looks like no group at all. */
  async function membership(actor: Actor, groupId: string) {
    const m = await db
      .selectFrom('group_members as gm')
      .innerJoin('groups as g', 'g.id', 'gm.group_id')
      .select(['g.id', 'g.kind', 'g.unit_id', 'g.last_seq', 'gm.read_seq', 'gm.muted_until'])
      .where('gm.group_id', '=', groupId)
      .where('gm.user_id', '=', actor.id)
      .where('gm.status', '=', 'active')
      .where('g.kind', '!=', HOTLINE_CONVERSATION_KIND)
      .executeTakeFirst();
    if (!m) throw errors.notFound('group');
    return m;
  }

  /** Ids of the groups a person belongs to (the transport joins their rooms); hotline threads are not groups. */
  async function groupIdsOf(userId: string): Promise<string[]> {
    return (
      await db
        .selectFrom('group_members as gm')
        .innerJoin('groups as g', 'g.id', 'gm.group_id')
        .select('gm.group_id')
        .where('gm.user_id', '=', userId)
        .where('gm.status', '=', 'active')
        .where('g.kind', '!=', HOTLINE_CONVERSATION_KIND)
        .execute()
    ).map((r) => r.group_id);
  }

  /** The caller's groups with unread counts. */
  async function list(actor: Actor): Promise<GroupView[]> {
    const rows = await db
      .selectFrom('group_members as gm')
      .innerJoin('groups as g', 'g.id', 'gm.group_id')
      .leftJoin('users as nb', 'nb.id', 'g.notice_by')
      .leftJoin('group_notice_reads as nr', (j) => j.onRef('nr.group_id', '=', 'g.id').on('nr.user_id', '=', actor.id))
      .select([
        'g.id',
        'g.kind',
        'g.name',
        'g.unit_id',
        'g.last_seq',
        'gm.read_seq',
        'gm.muted_until',
        'g.notice_text',
        'g.notice_at',
        'nb.id as nb_id',
        'nb.name as nb_name',
        'nr.notice_at as read_notice_at',
      ])
      .select((eb) =>
        eb
          .selectFrom('group_notice_reads as r')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('r.group_id', '=', 'g.id')
          .whereRef('r.notice_at', '=', 'g.notice_at')
          .as('notice_reads'),
      )
      .select((eb) =>
        eb
          .selectFrom('group_members as all')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('all.group_id', '=', 'g.id')
          .where('all.status', '=', 'active')
          .as('member_count'),
      )
      .where('gm.user_id', '=', actor.id)
      .where('gm.status', '=', 'active')
      .where('g.kind', '!=', HOTLINE_CONVERSATION_KIND)
      .orderBy('g.last_seq', 'desc')
      .execute();
    const directIds = rows.filter((r) => r.kind === 'direct').map((r) => r.id);
    const others = directIds.length
      ? await db
          .selectFrom('group_members as gm')
          .innerJoin('users as u', 'u.id', 'gm.user_id')
          .select(['gm.group_id', 'u.name'])
          .where('gm.group_id', 'in', directIds)
          .where('gm.user_id', '!=', actor.id)
          .execute()
      : [];
    const otherName = new Map(others.map((o) => [o.group_id, o.name]));
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
    groupIdsOf,
    list,

    /** Finds or opens the one-to-one conversation between two staff members. */
    async direct(actor: Actor, userId: string): Promise<GroupView> {
      if (userId === actor.id) throw errors.invalid('a conversation needs someone else');
      const other = await db
        .selectFrom('users')
        .select(['id', 'name', 'role', 'disabled_at'])
        .where('id', '=', userId)
        .executeTakeFirst();
      if (!other || other.disabled_at !== null || !can.writeDirect(actor.role, other.role))
        throw errors.notFound('person');
      const pairKey = [actor.id, userId].sort().join(':');
      const at = now();
      await db
        .insertInto('groups')
        .values({
          id: newId(),
          kind: 'direct',
          unit_id: null,
          name: 'direct',
          last_seq: 0,
          created_at: at,
          notice_text: null,
          notice_by: null,
          notice_at: null,
          pair_key: pairKey,
        })
        .onConflict((oc) => oc.column('pair_key').doNothing())
        .execute();
      const group = await db
        .selectFrom('groups')
        .select('id')
        .where('pair_key', '=', pairKey)
        .executeTakeFirstOrThrow();
      await db
        .insertInto('group_members')
        .values(
          [actor.id, userId].map((user_id) => ({
            group_id: group.id,
            user_id,
            status: 'active' as const,
            read_seq: 0,
            joined_at: at,
            muted_until: null,
          })),
        )
        .onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing())
        .execute();
      notify.joined(group.id, [actor.id, userId]);
      return (await list(actor)).find((g) => g.id === group.id)!;
    },

    /**
     * Persists a message with the group's next seq, then announces it. A retried client id returns
     * the first message and announces it again: its node may have died between commit and announce
     * (receivers drop a seq they hold). A retry is always answered, but re-announced only while the
     * sender has rate to spare, so retries cannot flood the group.
     */
    async send(actor: Actor, p: SendMessagePayload): Promise<{ message: MessageView; duplicate: boolean }> {
      const group = await membership(actor, p.groupId);
      const dup = await log.earlier(actor.id, p.clientId, p.groupId);
      const wait = (actor.role === 'resident' ? residentRate : staffRate).take(actor.id);
      if (dup) {
        if (wait === 0) notify.messageCreated(dup);
        return { message: dup, duplicate: true };
      }
      if (wait > 0) throw errors.rateLimited(wait);
      if (group.muted_until !== null && group.muted_until > now())
        throw errors.forbidden('you are muted in this group');
      if (p.replyToSeq !== undefined && p.replyToSeq > group.last_seq)
        throw errors.invalid('the quoted message does not exist');
      if (p.mentionAll && !can.mentionAll(actor.role)) throw errors.forbidden('only staff may mention everyone');
      const mentioned = [...new Set(p.mentions ?? [])];
      if (mentioned.length) {
        const members = await db
          .selectFrom('group_members')
          .select('user_id')
          .where('group_id', '=', p.groupId)
          .where('status', '=', 'active')
          .where('user_id', 'in', mentioned)
          .execute();
        if (members.length !== mentioned.length) throw errors.invalid('a mentioned person is not in this group');
      }
      const mentions = p.mentionAll ? JSON.stringify('all') : mentioned.length ? JSON.stringify(mentioned) : null;
      if (p.imageId) await log.checkImage(p.imageId, p.groupId, actor.id);
      const out = await log.append({
        groupId: p.groupId,
        senderId: actor.id,
        clientId: p.clientId,
        text: p.text,
        replyToSeq: p.replyToSeq ?? null,
        mentions,
        imageId: p.imageId ?? null,
      });
      notify.messageCreated(out.message);
      return out;
    },

    /**
     * Catch-up after (re)connecting: for each group the caller belongs to, the messages after the
     * cursor the client holds (0 for a group it has never seen), in seq order, and the recalls and
     * removals of held messages after its change cursor. Groups the caller does not belong to are
     * ignored, so guessed ids reveal nothing.
     */
    async sync(
      actor: Actor,
      cursors: Record<string, number>,
      changes: Record<string, number> = {},
      limit = SYNC_LIMIT,
    ): Promise<SyncAnswer> {
      const mine = new Set(await groupIdsOf(actor.id));
      return log.after(
        Object.entries(cursors).filter(([g]) => mine.has(g)),
        changes,
        limit,
      );
    },

    /**
     * Searches the text of the caller's groups (Chinese included: substring match), newest first,
     * with the match positions for highlighting. Recalled and removed messages are never found.
     */
    async search(
      actor: Actor,
      query: string,
      groupId?: string,
    ): Promise<{ message: MessageView; matches: [number, number][] }[]> {
      const mine = await groupIdsOf(actor.id);
      const scope = groupId ? mine.filter((g) => g === groupId) : mine;
      if (groupId && scope.length === 0) throw errors.notFound('group');
      if (scope.length === 0) return [];
      const pattern = `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const rows = await messageSelect()
        .where('m.group_id', 'in', scope)
        .where('m.status', '=', 'ok')
        .where(sql<boolean>`lower(m.text) like lower(${pattern}) escape '\\'`)
        .orderBy('m.created_at', 'desc')
        .limit(50)
        .execute();
      const needle = query.toLowerCase();
      return rows.map((r) => {
        const matches: [number, number][] = [];
        const hay = r.text.toLowerCase();
        for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + needle.length))
          matches.push([i, i + query.length]);
        return { message: toView(r), matches };
      });
    },

    /** Older messages of one group, for scrolling back. */
    async history(actor: Actor, groupId: string, beforeSeq: number | undefined, limit = 50): Promise<MessageView[]> {
      await membership(actor, groupId);
      return log.before(groupId, beforeSeq, limit);
    },

    /** Moves the caller's read cursor forward (never back, never past the last message). */
    async markRead(actor: Actor, groupId: string, seq: number): Promise<{ readSeq: number }> {
      const m = await membership(actor, groupId);
      const target = Math.min(seq, m.last_seq);
      if (target > m.read_seq) await log.advanceRead(groupId, actor.id, target);
      return { readSeq: Math.max(target, m.read_seq) };
    },

    /**
     * Recall (撤回) one's own message within two minutes, or remove any message of a grid group as
     * one of its officers. Either leaves a placeholder for everyone.
     */
    async recall(actor: Actor, groupId: string, seq: number): Promise<MessageView> {
      const group = await membership(actor, groupId);
      const row = await messageSelect().where('m.group_id', '=', groupId).where('m.seq', '=', seq).executeTakeFirst();
      if (!row) throw errors.notFound('message');
      if (row.status !== 'ok') throw errors.conflict(`the message is already ${row.status}`);
      const own = row.sender_id === actor.id;
      const moderator = can.moderateGroup(actor, group.kind);
      let status: 'recalled' | 'removed';
      if (own && now() - row.created_at <= RECALL_WINDOW_MS) status = 'recalled';
      else if (moderator) status = 'removed';
      else if (own) throw errors.forbidden('a message can be recalled within 2 minutes only');
      else throw errors.forbidden("only its sender or the group's officer may take a message back");
      const changeSeq = await log.edit(groupId, row.id, status);
      const message = toView({ ...row, status, change_seq: changeSeq });
      notify.messageChanged(message);
      return message;
    },
  };
}
export type GroupService = ReturnType<typeof createGroupService>;
