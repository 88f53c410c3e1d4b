/**
 * The one place that creates conversations (`groups` rows) and their members and changes who
 * belongs: group chat, provisioning, one-to-one conversations, the hotline and the demo seed all
 * come here. Who may do what is the callers' business; this module only keeps the rows.
 */
import type { Kysely, SelectQueryBuilder } from 'kysely';
import { newId } from '../ids.ts';
import type { GroupKind } from '../protocol/index.ts';
import type { Database, GroupMemberTable } from '../store/schema.ts';

/** Group kinds, or 'hotline': a hotline thread's conversation. */
export type ConversationKind = GroupKind | 'hotline';
type MemberStatus = GroupMemberTable['status'];

/** Members are written in slices, so a large unit never exceeds a dialect's bound-parameter limit. */
const MEMBER_SLICE = 200;

function insertConversation(
  exec: Kysely<Database>,
  c: { id?: string; kind: ConversationKind; name: string; unitId?: string | null; pairKey?: string | null; at: number },
) {
  return exec.insertInto('groups').values({
    id: c.id ?? newId(),
    kind: c.kind,
    unit_id: c.unitId ?? null,
    name: c.name,
    last_seq: 0,
    created_at: c.at,
    notice_text: null,
    notice_by: null,
    notice_at: null,
    pair_key: c.pairKey ?? null,
  });
}

/** Creates a conversation with this id (inside the caller's transaction when it must land with other rows). */
export async function openConversation(
  exec: Kysely<Database>,
  c: { id: string; kind: ConversationKind; name: string; at: number },
): Promise<void> {
  await insertConversation(exec, c).execute();
}

/**
 * The group a unit implies, created when missing. Several nodes may start together: the unique
 * (unit, kind) index lets one insert win and the others read its row.
 */
export async function openUnitGroup(
  db: Kysely<Database>,
  g: { unitId: string; kind: GroupKind; name: string; at: number },
): Promise<{ id: string; created: boolean }> {
  const res = await insertConversation(db, g)
    .onConflict((oc) => oc.columns(['unit_id', 'kind']).doNothing())
    .executeTakeFirst();
  const { id } = await db
    .selectFrom('groups')
    .select('id')
    .where('unit_id', '=', g.unitId)
    .where('kind', '=', g.kind)
    .executeTakeFirstOrThrow();
  return { id, created: Number(res.numInsertedOrUpdatedRows ?? 0) > 0 };
}

/** The one-to-one conversation of two people (found, or opened with both as members); returns its id. */
export async function openDirect(db: Kysely<Database>, userIds: [string, string], at: number): Promise<string> {
  const pairKey = [...userIds].sort().join(':');
  await insertConversation(db, { kind: 'direct', name: 'direct', pairKey, at })
    .onConflict((oc) => oc.column('pair_key').doNothing())
    .execute();
  const { id } = await db.selectFrom('groups').select('id').where('pair_key', '=', pairKey).executeTakeFirstOrThrow();
  await addMembers(db, id, userIds, { at });
  return id;
}

/** Adds people who are not members yet (members already there keep their row as it is). */
export async function addMembers(
  exec: Kysely<Database>,
  groupId: string,
  userIds: string[],
  opts: { at: number; status?: MemberStatus },
): Promise<void> {
  for (let i = 0; i < userIds.length; i += MEMBER_SLICE) {
    await exec
      .insertInto('group_members')
      .values(
        userIds.slice(i, i + MEMBER_SLICE).map((user_id) => ({
          group_id: groupId,
          user_id,
          status: opts.status ?? 'active',
          read_seq: 0,
          joined_at: opts.at,
          muted_until: null,
        })),
      )
      .onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing())
      .execute();
  }
}

/** Makes the person an active member, adding them or bringing them back. */
export async function rejoin(db: Kysely<Database>, groupId: string, userId: string, at: number): Promise<void> {
  await db
    .insertInto('group_members')
    .values({ group_id: groupId, user_id: userId, status: 'active', read_seq: 0, joined_at: at, muted_until: null })
    .onConflict((oc) => oc.columns(['group_id', 'user_id']).doUpdateSet({ status: 'active' }))
    .execute();
}

/**
 * Sets a person's status in these conversations (a list, or a query selecting their ids);
 * approved in, `joinedAt` restarts their membership.
 */
export async function setMemberStatus(
  db: Kysely<Database>,
  groupIds: string[] | SelectQueryBuilder<Database, keyof Database, { id: string }>,
  userId: string,
  status: MemberStatus,
  joinedAt?: number,
): Promise<void> {
  if (Array.isArray(groupIds) && groupIds.length === 0) return;
  await db
    .updateTable('group_members')
    .set({ status, ...(joinedAt === undefined ? {} : { joined_at: joinedAt }) })
    .where('group_id', 'in', groupIds)
    .where('user_id', '=', userId)
    .execute();
}

/** Mutes a member until then (禁言), or frees them (null). */
export async function setMutedUntil(
  db: Kysely<Database>,
  groupId: string,
  userId: string,
  until: number | null,
): Promise<void> {
  await db
    .updateTable('group_members')
    .set({ muted_until: until })
    .where('group_id', '=', groupId)
    .where('user_id', '=', userId)
    .execute();
}

/** Pins a notice (群公告); its time is its version, and its author has read it. */
export async function pinNotice(
  db: Kysely<Database>,
  groupId: string,
  n: { text: string; by: string; at: number },
): Promise<void> {
  await db
    .updateTable('groups')
    .set({ notice_text: n.text, notice_by: n.by, notice_at: n.at })
    .where('id', '=', groupId)
    .execute();
  await markNoticeRead(db, groupId, n.by, n.at);
}

/** Records that the member has read the notice of this version. */
export async function markNoticeRead(
  db: Kysely<Database>,
  groupId: string,
  userId: string,
  noticeAt: number,
): Promise<void> {
  await db
    .insertInto('group_notice_reads')
    .values({ group_id: groupId, user_id: userId, notice_at: noticeAt })
    .onConflict((oc) => oc.columns(['group_id', 'user_id']).doUpdateSet({ notice_at: noticeAt }))
    .execute();
}
