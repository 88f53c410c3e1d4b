import type { Kysely } from 'kysely';
import { can, type Actor } from '../auth/permissions.ts';
import { groupMembership } from '../conversations/conversation-queries.ts';
import {
  noticeReadersOf,
  readersOf,
  trackedMessage,
  trackedNotice,
  unreadCountsQuery,
} from '../conversations/read-status-queries.ts';
import { errors } from '../errors.ts';
import {
  MAX_READERS_LISTED,
  type GroupNoticeReaders,
  type GroupReadCounts,
  type GroupReaders,
  type ReadLists,
  type ReaderView,
} from '../protocol/index.ts';
import { createRateLimiter } from '../rate-limiter.ts';
import type { Database } from '../store/schema.ts';

/** Read-status questions per person: a chat opening asks once, a tap on "3人未读" once more. */
const RATE = { capacity: 20, perSecond: 2 };

/**
 * Read status of staff messages and of the pinned notice in group chat ("3人未读", tap for who), for the group's staff
 * members only (see `can.seeReadStatus` for why residents never see it). Derived from read cursors
 * (read-status-queries.ts); bounded by a window span, a list cap and a per-person rate.
 */
export function createReadStatusService(deps: { db: Kysely<Database>; now?: () => number }) {
  const { db } = deps;
  const unreadCounts = unreadCountsQuery(db);
  const rate = createRateLimiter({ ...RATE, ...(deps.now ? { now: deps.now } : {}) });

  /** Refuses residents, other people's groups (not_found: they look like no group) and floods. */
  async function admit(actor: Actor, groupId: string): Promise<void> {
    if (!can.seeReadStatus(actor.role)) throw errors.forbidden('only staff see who has read a message');
    const wait = rate.take(actor.id);
    if (wait > 0) throw errors.rateLimited(wait);
    if (!(await groupMembership(db, groupId, actor.id))) throw errors.notFound('group');
  }

  return {
    /** Unread counts of the staff messages in a window (the schema bounds its span). */
    async counts(actor: Actor, groupId: string, fromSeq: number, toSeq: number): Promise<GroupReadCounts> {
      await admit(actor, groupId);
      return { groupId, fromSeq, toSeq, counts: await unreadCounts(groupId, fromSeq, toSeq) };
    },

    /** Who has and has not read one staff message, by name, each list capped (the totals are exact). */
    async readers(actor: Actor, groupId: string, seq: number): Promise<GroupReaders> {
      await admit(actor, groupId);
      const message = await trackedMessage(db, groupId, seq);
      if (!message) throw errors.notFound('message');
      const lists = await readLists((which) => readersOf(db, groupId, message, which, MAX_READERS_LISTED));
      return { seq, ...lists };
    },

    /** Who has and has not read the pinned notice's current version, each list capped (the totals are exact). */
    async noticeReaders(actor: Actor, groupId: string): Promise<GroupNoticeReaders> {
      await admit(actor, groupId);
      const notice = await trackedNotice(db, groupId);
      if (!notice) throw errors.notFound('notice');
      const lists = await readLists((which) => noticeReadersOf(db, groupId, notice, which, MAX_READERS_LISTED));
      return { at: notice.at, ...lists };
    },
  };
}
/** Both lists of one read status, asked side by side. */
async function readLists(
  side: (which: 'read' | 'unread') => Promise<{ people: ReaderView[]; total: number }>,
): Promise<ReadLists> {
  const [unread, read] = await Promise.all([side('unread'), side('read')]);
  return { unread: unread.people, read: read.people, unreadTotal: unread.total, readTotal: read.total };
}

export type ReadStatusService = ReturnType<typeof createReadStatusService>;
