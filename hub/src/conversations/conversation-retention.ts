import type { Kysely, Transaction } from 'kysely';
import { HOTLINE_CONVERSATION_KIND } from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';

/**
 * The deletes retention asks of the conversation module, which alone writes its tables. Old group
 * messages go as a prefix by seq (everything up to the newest one older than the cut-off), so what
 * stays of a conversation is gap-free from its history floor up (catch-up relies on it: message-sync.ts).
 */

/** How many records of a kind are due, and when the oldest was made (null when none). */
export interface Due {
  count: number;
  oldest: number | null;
}

type Db = Kysely<Database> | Transaction<Database>;

/** Per group chat (never a hotline thread), the highest seq made before `cutoff`. */
export async function expiredPrefixes(db: Db, cutoff: number): Promise<{ groupId: string; upTo: number }[]> {
  const rows = await db
    .selectFrom('messages as m')
    .innerJoin('groups as g', 'g.id', 'm.group_id')
    .select(['m.group_id', (eb) => eb.fn.max('m.seq').as('up_to')])
    .where('g.kind', '!=', HOTLINE_CONVERSATION_KIND)
    .where('m.created_at', '<', cutoff)
    .groupBy('m.group_id')
    .orderBy('m.group_id')
    .execute();
  return rows.map((r) => ({ groupId: r.group_id, upTo: Number(r.up_to) }));
}

/** What deleting the prefixes would remove. */
export async function countPrefixes(db: Db, prefixes: { groupId: string; upTo: number }[]): Promise<Due> {
  const due: Due = { count: 0, oldest: null };
  for (const { groupId, upTo } of prefixes) {
    const r = await db
      .selectFrom('messages')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('created_at').as('oldest')])
      .where('group_id', '=', groupId)
      .where('seq', '<=', upTo)
      .executeTakeFirstOrThrow();
    due.count += Number(r.n);
    if (r.oldest !== null) due.oldest = Math.min(due.oldest ?? Infinity, Number(r.oldest));
  }
  return due;
}

/** Deletes up to `limit` of a group's messages with seq ≤ `upTo`, oldest first; returns how many went. */
export async function deleteMessagesUpTo(db: Db, groupId: string, upTo: number, limit: number): Promise<number> {
  const res = await db
    .deleteFrom('messages')
    .where(
      'id',
      'in',
      db
        .selectFrom('messages')
        .select('id')
        .where('group_id', '=', groupId)
        .where('seq', '<=', upTo)
        .orderBy('seq')
        .limit(limit),
    )
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** Images of group chats made before `cutoff`: how many, and the oldest. */
export async function countGroupImagesBefore(db: Db, cutoff: number): Promise<Due> {
  const r = await db
    .selectFrom('images as i')
    .innerJoin('groups as g', 'g.id', 'i.group_id')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('i.created_at').as('oldest')])
    .where('g.kind', '!=', HOTLINE_CONVERSATION_KIND)
    .where('i.created_at', '<', cutoff)
    .executeTakeFirstOrThrow();
  return { count: Number(r.n), oldest: r.oldest === null ? null : Number(r.oldest) };
}

/**
 * Deletes up to `limit` group-chat images made before `cutoff`; their messages stay, without the
 * image (it answers 404, like a recalled one). Returns the deleted ids: the caller removes their files.
 */
export async function deleteGroupImagesBefore(db: Kysely<Database>, cutoff: number, limit: number): Promise<string[]> {
  const ids = (
    await db
      .selectFrom('images as i')
      .innerJoin('groups as g', 'g.id', 'i.group_id')
      .select('i.id')
      .where('g.kind', '!=', HOTLINE_CONVERSATION_KIND)
      .where('i.created_at', '<', cutoff)
      .orderBy('i.created_at')
      .limit(limit)
      .execute()
  ).map((r) => r.id);
  if (ids.length === 0) return [];
  return db.transaction().execute(async (trx) => {
    await trx.updateTable('messages').set({ image_id: null }).where('image_id', 'in', ids).execute();
    const gone = await trx.deleteFrom('images').where('id', 'in', ids).returning('id').execute();
    return gone.map((r) => r.id);
  });
}

/**
 * Empties conversations that are going (hotline threads past retention): messages, images,
 * members, notice reads. Returns the image ids (their files go after the commit). The owner of
 * what hangs on the conversation deletes that, then calls {@link dropConversations}.
 */
export async function clearConversations(trx: Transaction<Database>, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  await trx.deleteFrom('messages').where('group_id', 'in', ids).execute();
  const images = await trx.deleteFrom('images').where('group_id', 'in', ids).returning('id').execute();
  await trx.deleteFrom('group_members').where('group_id', 'in', ids).execute();
  await trx.deleteFrom('group_notice_reads').where('group_id', 'in', ids).execute();
  return images.map((r) => r.id);
}

/** Deletes the rows of conversations emptied by {@link clearConversations}. */
export async function dropConversations(trx: Transaction<Database>, ids: string[]): Promise<void> {
  if (ids.length > 0) await trx.deleteFrom('groups').where('id', 'in', ids).execute();
}

/** Which of these image ids still have a row (the rest are orphan files). */
export async function existingImageIds(db: Db, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('images').select('id').where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}
