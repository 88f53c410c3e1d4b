import { sql, type Kysely, type RawBuilder } from 'kysely';
import { HOTLINE_CONVERSATION_KIND, type GroupKind } from '../protocol/index.ts';
import { batchedLookup } from '../store/batched-lookup.ts';
import { padToPowerOfTwo, preparedRowsQuery } from '../store/prepared-query.ts';
import type { Database, GroupMemberTable } from '../store/schema.ts';

/**
 * Named reads of the conversation tables (`groups`, `group_members`, `messages`) for the modules
 * that build on them: group chat, the hotline, matters and reports. Only the conversation module
 * writes these tables; a schema change has this file to look at.
 */

type MemberStatus = GroupMemberTable['status'];
/** A period [start, end) in epoch ms. */
type Span = { start: number; end: number };

/**
 * The membership row `gm` lets its person write at `at`: active and not muted then. A condition,
 * not a read, so that a write's own statement can hold it (group chat's send takes no read first).
 */
export const writableMembership = (at: unknown): RawBuilder<boolean> =>
  sql<boolean>`gm.status = 'active' and (gm.muted_until is null or gm.muted_until <= ${at})`;

/** The person's active membership of a group (never a hotline thread), with the group's state. */
export function groupMembership(db: Kysely<Database>, groupId: string, userId: string) {
  return db
    .selectFrom('group_members as gm')
    .innerJoin('groups as g', 'g.id', 'gm.group_id')
    .select(['g.id', 'g.kind', 'g.unit_id', 'g.last_seq', 'g.notice_at', 'gm.read_seq', 'gm.muted_until'])
    .where('gm.group_id', '=', groupId)
    .where('gm.user_id', '=', userId)
    .where('gm.status', '=', 'active')
    .where('g.kind', '!=', HOTLINE_CONVERSATION_KIND)
    .executeTakeFirst();
}

/** People whose groups one read answers at most: a reconnect storm's turn of the event loop. */
const PEOPLE_PER_GROUP_IDS_READ = 256;
const NO_GROUPS: readonly string[] = Object.freeze([]);

/**
 * Ids of the groups a person actively belongs to; hotline threads are not groups. Every connect
 * asks: the people asking within one turn of the event loop share one read (batched-lookup.ts),
 * prepared once per store and padded list length. Callers share the answer: never change it.
 */
export function groupIdsQuery(db: Kysely<Database>): (userId: string) => Promise<readonly string[]> {
  const query = preparedRowsQuery(db, ['userId'], (q, rows) =>
    q
      .selectFrom('group_members as gm')
      .innerJoin('groups as g', 'g.id', 'gm.group_id')
      .select(['gm.user_id', 'gm.group_id'])
      .where(
        'gm.user_id',
        'in',
        rows.map((r) => r.userId),
      )
      .where('gm.status', '=', 'active')
      .where('g.kind', '!=', HOTLINE_CONVERSATION_KIND),
  );
  return batchedLookup<readonly string[]>({
    max: PEOPLE_PER_GROUP_IDS_READ,
    missing: NO_GROUPS,
    async read(userIds) {
      const { rows } = await query(
        db,
        padToPowerOfTwo(
          userIds.map((userId) => ({ userId })),
          { userId: '' },
        ),
      );
      const byPerson = new Map<string, string[]>();
      for (const r of rows) {
        const ids = byPerson.get(r.user_id);
        if (ids) ids.push(r.group_id);
        else byPerson.set(r.user_id, [r.group_id]);
      }
      return byPerson;
    },
  });
}

/** A person's groups with their cursors, notice (who pinned it, whether they read it, how many did) and member count, busiest first. */
export function groupListRows(db: Kysely<Database>, userId: string) {
  return db
    .selectFrom('group_members as gm')
    .innerJoin('groups as g', 'g.id', 'gm.group_id')
    .leftJoin('users as nb', 'nb.id', 'g.notice_by')
    .leftJoin('group_notice_reads as nr', (j) => j.onRef('nr.group_id', '=', 'g.id').on('nr.user_id', '=', userId))
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
    .where('gm.user_id', '=', userId)
    .where('gm.status', '=', 'active')
    .where('g.kind', '!=', HOTLINE_CONVERSATION_KIND)
    .orderBy('g.last_seq', 'desc')
    .execute();
}

/** For one-to-one conversations: the name of the other person in each. */
export async function directPartnerNames(
  db: Kysely<Database>,
  groupIds: string[],
  userId: string,
): Promise<Map<string, string>> {
  if (groupIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('group_members as gm')
    .innerJoin('users as u', 'u.id', 'gm.user_id')
    .select(['gm.group_id', 'u.name'])
    .where('gm.group_id', 'in', groupIds)
    .where('gm.user_id', '!=', userId)
    .execute();
  return new Map(rows.map((o) => [o.group_id, o.name]));
}

/** Members of a group in these states (by name), with their mute. */
export function membersOf(db: Kysely<Database>, groupId: string, statuses: MemberStatus[]) {
  return db
    .selectFrom('group_members as gm')
    .innerJoin('users as u', 'u.id', 'gm.user_id')
    .select(['u.id', 'u.name', 'u.role', 'gm.muted_until', 'gm.status', 'gm.joined_at'])
    .where('gm.group_id', '=', groupId)
    .where('gm.status', 'in', statuses)
    .orderBy('u.name')
    .execute();
}

/** One person's membership of a conversation, if in one of these states. */
export function memberOf(db: Kysely<Database>, groupId: string, userId: string, statuses: MemberStatus[] = ['active']) {
  return db
    .selectFrom('group_members as gm')
    .innerJoin('users as u', 'u.id', 'gm.user_id')
    .select(['u.id', 'u.name', 'u.role', 'gm.muted_until', 'gm.status', 'gm.joined_at'])
    .where('gm.group_id', '=', groupId)
    .where('gm.user_id', '=', userId)
    .where('gm.status', 'in', statuses)
    .executeTakeFirst();
}

/** Which of these people are active members of the conversation. */
export async function activeMembersAmong(db: Kysely<Database>, groupId: string, userIds: string[]): Promise<string[]> {
  if (userIds.length === 0) return [];
  const rows = await db
    .selectFrom('group_members')
    .select('user_id')
    .where('group_id', '=', groupId)
    .where('status', '=', 'active')
    .where('user_id', 'in', userIds)
    .execute();
  return rows.map((r) => r.user_id);
}

/** Every person with a membership row (any state) in the conversation. */
export async function memberIdsOf(db: Kysely<Database>, groupId: string): Promise<string[]> {
  return (await db.selectFrom('group_members').select('user_id').where('group_id', '=', groupId).execute()).map(
    (m) => m.user_id,
  );
}

/** The groups units imply, as `unitId:kind` → group id. */
export async function unitGroupIds(db: Kysely<Database>): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('groups')
    .select(['id', 'unit_id', 'kind'])
    .where('unit_id', 'is not', null)
    .execute();
  return new Map(rows.map((g) => [`${g.unit_id}:${g.kind}`, g.id]));
}

/** The groups of these units (of these kinds), archived ones too. */
export function groupsOfUnits(db: Kysely<Database>, unitIds: string[], kinds: readonly GroupKind[]) {
  if (unitIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('groups')
    .select(['id', 'kind', 'unit_id', 'name', 'archived_at'])
    .where('unit_id', 'in', unitIds)
    .where('kind', 'in', kinds)
    .execute();
}

/** A person's membership status in each of these conversations (those they have a row in). */
export function memberStatuses(db: Kysely<Database>, userId: string, groupIds: string[]) {
  return db
    .selectFrom('group_members')
    .select(['group_id', 'status'])
    .where('user_id', '=', userId)
    .where('group_id', 'in', groupIds)
    .execute();
}

/** Groups of one kind (of these units, when given). */
export function groupsOfKind(db: Kysely<Database>, kind: GroupKind, unitIds?: string[]) {
  return db
    .selectFrom('groups')
    .select(['id', 'name', 'unit_id'])
    .where('kind', '=', kind)
    .$if(unitIds !== undefined, (q) => q.where('unit_id', 'in', unitIds!))
    .execute();
}

/** Conversation names by id. */
export async function conversationNames(db: Kysely<Database>, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('groups').select(['id', 'name']).where('id', 'in', ids).execute();
  return new Map(rows.map((g) => [g.id, g.name]));
}

/** Whether a conversation holds a message at this seq. */
export async function messageExists(db: Kysely<Database>, groupId: string, seq: number): Promise<boolean> {
  const row = await db
    .selectFrom('messages')
    .select('id')
    .where('group_id', '=', groupId)
    .where('seq', '=', seq)
    .executeTakeFirst();
  return row !== undefined;
}

/** Where a conversation stands, as one person sees it. */
export interface ConversationState {
  lastSeq: number;
  /** Time of its latest message; null when it has none. */
  lastMessageAt: number | null;
  /** The person's read cursor; null when they are not a member. */
  readSeq: number | null;
}

/** Each conversation's state with one person's read cursor in it (the hotline shows the resident's). */
export async function conversationStates(
  db: Kysely<Database>,
  items: { conversationId: string; userId: string }[],
): Promise<Map<string, ConversationState>> {
  const ids = [...new Set(items.map((i) => i.conversationId))];
  if (ids.length === 0) return new Map();
  const [groups, last, cursors] = await Promise.all([
    db.selectFrom('groups').select(['id', 'last_seq']).where('id', 'in', ids).execute(),
    db
      .selectFrom('messages')
      .select(['group_id', (eb) => eb.fn.max('created_at').as('at')])
      .where('group_id', 'in', ids)
      .groupBy('group_id')
      .execute(),
    db
      .selectFrom('group_members')
      .select(['group_id', 'user_id', 'read_seq'])
      .where('group_id', 'in', ids)
      .where('user_id', 'in', [...new Set(items.map((i) => i.userId))])
      .execute(),
  ]);
  const lastAt = new Map(last.map((r) => [r.group_id, r.at === null ? null : Number(r.at)]));
  const readSeq = new Map(cursors.map((c) => [`${c.group_id}:${c.user_id}`, c.read_seq]));
  const lastSeq = new Map(groups.map((g) => [g.id, g.last_seq]));
  return new Map(
    items.map((i) => [
      i.conversationId,
      {
        lastSeq: lastSeq.get(i.conversationId) ?? 0,
        lastMessageAt: lastAt.get(i.conversationId) ?? null,
        readSeq: readSeq.get(`${i.conversationId}:${i.userId}`) ?? null,
      },
    ]),
  );
}

/**
 * A message a bot relays as a command (`/briefing`), if the bot is an active member of its
 * conversation: when it was sent, by whom, and in which group.
 */
export function relayedCommand(db: Kysely<Database>, groupId: string, seq: number, botId: string) {
  return db
    .selectFrom('messages as m')
    .innerJoin('groups as g', 'g.id', 'm.group_id')
    .innerJoin('group_members as gm', (j) =>
      j.onRef('gm.group_id', '=', 'g.id').on('gm.user_id', '=', botId).on('gm.status', '=', 'active'),
    )
    .innerJoin('users as u', 'u.id', 'm.sender_id')
    .select([
      'm.created_at',
      'g.kind as group_kind',
      'g.unit_id',
      'u.id as sender_id',
      'u.role as sender_role',
      'u.unit_id as sender_unit',
    ])
    .where('m.group_id', '=', groupId)
    .where('m.seq', '=', seq)
    .executeTakeFirst();
}

/** The message at this seq if this person sent it. */
export async function sentBy(db: Kysely<Database>, groupId: string, seq: number, senderId: string): Promise<boolean> {
  const row = await db
    .selectFrom('messages')
    .select('id')
    .where('group_id', '=', groupId)
    .where('seq', '=', seq)
    .where('sender_id', '=', senderId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Messages by id with their conversation's name and sender, in conversation and seq order (report citations). */
export function citedMessages(db: Kysely<Database>, ids: string[]) {
  return db
    .selectFrom('messages as m')
    .innerJoin('groups as g', 'g.id', 'm.group_id')
    .innerJoin('users as u', 'u.id', 'm.sender_id')
    .select([
      'm.id',
      'm.group_id',
      'g.name as group_name',
      'm.seq',
      'm.text',
      'm.status',
      'm.created_at',
      'u.id as sender_id',
      'u.name as sender_name',
    ])
    .where('m.id', 'in', ids)
    .orderBy('m.group_id')
    .orderBy('m.seq')
    .execute();
}

/** The latest `limit` text messages of a conversation in a period, newest first (what a summariser reads). */
export function periodTexts(db: Kysely<Database>, groupId: string, period: Span, limit: number) {
  return db
    .selectFrom('messages as m')
    .innerJoin('users as u', 'u.id', 'm.sender_id')
    .select(['m.id', 'm.group_id', 'm.seq', 'm.sender_id', 'u.name as sender_name', 'm.text', 'm.created_at'])
    .where('m.group_id', '=', groupId)
    .where('m.created_at', '>=', period.start)
    .where('m.created_at', '<', period.end)
    .where('m.status', '=', 'ok')
    .where('m.text', '!=', '')
    .orderBy('m.seq', 'desc')
    .limit(limit)
    .execute();
}

/** Which of these message ids are messages of the conversation in the period. */
export async function messagesInPeriod(
  db: Kysely<Database>,
  ids: string[],
  groupId: string,
  period: Span,
): Promise<string[]> {
  const rows = await db
    .selectFrom('messages')
    .select('id')
    .where('id', 'in', ids)
    .where('group_id', '=', groupId)
    .where('created_at', '>=', period.start)
    .where('created_at', '<', period.end)
    .execute();
  return rows.map((r) => r.id);
}

/** Messages per conversation created in the period (conversations without any left out). */
export async function messageCounts(
  db: Kysely<Database>,
  groupIds: string[],
  period: Span,
): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('messages')
    .select(['group_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('group_id', 'in', groupIds)
    .where('created_at', '>=', period.start)
    .where('created_at', '<', period.end)
    .groupBy('group_id')
    .execute();
  return new Map(rows.map((r) => [r.group_id, Number(r.n ?? 0)]));
}

/** Whether any of these conversations holds a message from before `t` (an index range probe, not a scan). */
export async function hasMessagesBefore(db: Kysely<Database>, groupIds: string[], t: number): Promise<boolean> {
  const row = await db
    .selectFrom('messages')
    .select('id')
    .where('group_id', 'in', groupIds)
    .where('created_at', '<', t)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
