/**
 * Read status of staff messages (已读 / 未读), derived from the members' read cursors: no row per
 * message and reader (that grows as messages × members), only `group_members.read_seq`. For a
 * message at seq S sent by X, among the active members other than X:
 * - read: read_seq ≥ S (whenever they joined: they have seen it);
 * - unread: read_seq < S and joined no later than the message was sent (someone who joined after
 *   it was never asked to read it, so does not count against it).
 * Members who left or still wait for approval count neither way. Named reads of the conversation
 * tables, like conversation-queries.ts; who may ask is the callers' business.
 */
import type { ExpressionBuilder, Kysely, SelectQueryBuilder } from 'kysely';
import { STAFF_ROLES, type ReadCount, type ReaderView } from '../protocol/index.ts';
import { preparedQuery } from '../store/prepared-query.ts';
import type { Database } from '../store/schema.ts';

/** A staff message whose read status is kept: its sender and when it was sent. */
export interface TrackedMessage {
  seq: number;
  senderId: string;
  createdAt: number;
}

/**
 * Unread counts of the staff messages (not recalled or removed) with seq in [fromSeq, toSeq], in
 * one statement: each message joined to its group's members that have not read it. The work is
 * messages × members of one group (a window of 200 × a grid of 500 is 100,000 index rows at worst).
 * Prepared once per store: the announcer counts every watched group every second.
 */
export function unreadCountsQuery(
  db: Kysely<Database>,
): (groupId: string, fromSeq: number, toSeq: number) => Promise<ReadCount[]> {
  const query = preparedQuery(db, ['groupId', 'fromSeq', 'toSeq'], (q, v) =>
    q
      .selectFrom('messages as m')
      .innerJoin('users as s', 's.id', 'm.sender_id')
      .leftJoin('group_members as gm', (j) =>
        j
          .onRef('gm.group_id', '=', 'm.group_id')
          .on('gm.status', '=', 'active')
          .onRef('gm.user_id', '!=', 'm.sender_id')
          .onRef('gm.read_seq', '<', 'm.seq')
          .onRef('gm.joined_at', '<=', 'm.created_at'),
      )
      .select(['m.seq', (eb) => eb.fn.count<number | string>('gm.user_id').as('unread')])
      .where('m.group_id', '=', v.groupId)
      .where('m.seq', '>=', v.fromSeq)
      .where('m.seq', '<=', v.toSeq)
      .where('m.status', '=', 'ok')
      .where('s.role', 'in', STAFF_ROLES)
      .groupBy('m.seq')
      .orderBy('m.seq'),
  );
  return async (groupId, fromSeq, toSeq) =>
    (await query(db, { groupId, fromSeq, toSeq })).rows.map((r) => ({ seq: Number(r.seq), unread: Number(r.unread) }));
}

/** The staff message at this seq whose read status is kept, if there is one. */
export async function trackedMessage(
  db: Kysely<Database>,
  groupId: string,
  seq: number,
): Promise<TrackedMessage | undefined> {
  const row = await db
    .selectFrom('messages as m')
    .innerJoin('users as s', 's.id', 'm.sender_id')
    .select(['m.seq', 'm.sender_id', 'm.created_at'])
    .where('m.group_id', '=', groupId)
    .where('m.seq', '=', seq)
    .where('m.status', '=', 'ok')
    .where('s.role', 'in', STAFF_ROLES)
    .executeTakeFirst();
  return row && { seq: Number(row.seq), senderId: row.sender_id, createdAt: Number(row.created_at) };
}

type MemberScope = ExpressionBuilder<Database & { gm: Database['group_members'] }, 'gm'>;

/** Members who have (`read`) or have not read the message, by name, at most `limit`, and how many in all. */
export async function readersOf(
  db: Kysely<Database>,
  groupId: string,
  m: TrackedMessage,
  which: 'read' | 'unread',
  limit: number,
): Promise<{ people: ReaderView[]; total: number }> {
  const side = (eb: MemberScope) =>
    which === 'read'
      ? eb('gm.read_seq', '>=', m.seq)
      : eb.and([eb('gm.read_seq', '<', m.seq), eb('gm.joined_at', '<=', m.createdAt)]);
  const members = db
    .selectFrom('group_members as gm')
    .where('gm.group_id', '=', groupId)
    .where('gm.status', '=', 'active')
    .where('gm.user_id', '!=', m.senderId)
    .where(side);
  return namedPeople(members, limit);
}

type MemberQuery = SelectQueryBuilder<Database & { gm: Database['group_members'] }, 'gm', object>;

/** The members a query picks, by name (at most `limit`), and how many it picks in all. */
async function namedPeople(members: MemberQuery, limit: number): Promise<{ people: ReaderView[]; total: number }> {
  const [people, count] = await Promise.all([
    members
      .innerJoin('users as u', 'u.id', 'gm.user_id')
      .select(['u.id', 'u.name', 'u.role'])
      .orderBy('u.name')
      .orderBy('u.id')
      .limit(limit)
      .execute(),
    members.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { people, total: Number(count.n) };
}

/** A pinned notice (群公告) whose read status is kept: its version (time) and who pinned it. */
export interface TrackedNotice {
  at: number;
  by: string | null;
}

/** The group's current notice, if one is pinned. */
export async function trackedNotice(db: Kysely<Database>, groupId: string): Promise<TrackedNotice | undefined> {
  const row = await db
    .selectFrom('groups')
    .select(['notice_at', 'notice_by'])
    .where('id', '=', groupId)
    .executeTakeFirst();
  return row && row.notice_at !== null ? { at: Number(row.notice_at), by: row.notice_by } : undefined;
}

/**
 * Active members other than its author who have (`read`: a read mark of this version in
 * group_notice_reads) or have not read the notice, by name, at most `limit`, and how many in all.
 * Unlike a message, a notice stays pinned for whoever joins later, so every active member is asked.
 */
export async function noticeReadersOf(
  db: Kysely<Database>,
  groupId: string,
  n: TrackedNotice,
  which: 'read' | 'unread',
  limit: number,
): Promise<{ people: ReaderView[]; total: number }> {
  const members = db
    .selectFrom('group_members as gm')
    .where('gm.group_id', '=', groupId)
    .where('gm.status', '=', 'active')
    .$if(n.by !== null, (q) => q.where('gm.user_id', '!=', n.by as string))
    .where((eb) => {
      const marked = eb.exists(
        eb
          .selectFrom('group_notice_reads as nr')
          .select('nr.user_id')
          .whereRef('nr.group_id', '=', 'gm.group_id')
          .whereRef('nr.user_id', '=', 'gm.user_id')
          .where('nr.notice_at', '=', n.at),
      );
      return which === 'read' ? marked : eb.not(marked);
    });
  return namedPeople(members, limit);
}

/** Unread counts of the staff messages among a conversation's latest `span` seqs (its live window), prepared. */
export function latestUnreadCountsQuery(
  db: Kysely<Database>,
): (groupId: string, span: number) => Promise<{ fromSeq: number; toSeq: number; counts: ReadCount[] }> {
  const lastSeq = preparedQuery(db, ['groupId'], (q, v) =>
    q.selectFrom('groups').select('last_seq').where('id', '=', v.groupId),
  );
  const unreadCounts = unreadCountsQuery(db);
  return async (groupId, span) => {
    const toSeq = Number((await lastSeq(db, { groupId })).rows[0]?.last_seq ?? 0);
    const fromSeq = Math.max(1, toSeq - span + 1);
    return { fromSeq, toSeq, counts: toSeq > 0 ? await unreadCounts(groupId, fromSeq, toSeq) : [] };
  };
}
