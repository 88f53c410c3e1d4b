import type { Kysely } from 'kysely';
import { clearConversations, dropConversations, type Due } from '../conversations/conversation-retention.ts';
import type { Database } from '../store/schema.ts';

/** Resolved hotline threads whose resolution is older than `cutoff`: how many, and the oldest resolution. */
export async function countResolvedThreadsBefore(db: Kysely<Database>, cutoff: number): Promise<Due> {
  const r = await db
    .selectFrom('hotline_threads')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('resolved_at').as('oldest')])
    .where('status', '=', 'resolved')
    .where('resolved_at', '<', cutoff)
    .executeTakeFirstOrThrow();
  return { count: Number(r.n), oldest: r.oldest === null ? null : Number(r.oldest) };
}

/**
 * Deletes up to `limit` threads resolved before `cutoff`, each with its notes and its whole
 * conversation, in one transaction. A thread reopened meanwhile is left alone: the condition is
 * checked again under the rows' locks. Returns how many went and the image ids whose files go next.
 */
export async function deleteResolvedThreadsBefore(
  db: Kysely<Database>,
  cutoff: number,
  limit: number,
): Promise<{ threads: number; imageIds: string[] }> {
  const candidates = (
    await db
      .selectFrom('hotline_threads')
      .select('id')
      .where('status', '=', 'resolved')
      .where('resolved_at', '<', cutoff)
      .orderBy('resolved_at')
      .limit(limit)
      .execute()
  ).map((r) => r.id);
  if (candidates.length === 0) return { threads: 0, imageIds: [] };
  return db.transaction().execute(async (trx) => {
    // A no-op update that locks the rows still resolved before the cut-off (and names them).
    const ids = (
      await trx
        .updateTable('hotline_threads')
        .set((eb) => ({ updated_at: eb.ref('updated_at') }))
        .where('id', 'in', candidates)
        .where('status', '=', 'resolved')
        .where('resolved_at', '<', cutoff)
        .returning('id')
        .execute()
    ).map((r) => r.id);
    if (ids.length === 0) return { threads: 0, imageIds: [] };
    await trx.deleteFrom('hotline_notes').where('thread_id', 'in', ids).execute();
    const imageIds = await clearConversations(trx, ids);
    await trx.deleteFrom('hotline_threads').where('id', 'in', ids).execute();
    await dropConversations(trx, ids);
    return { threads: ids.length, imageIds };
  });
}
