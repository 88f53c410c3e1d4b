import type { Insertable, Transaction } from 'kysely';
import { addMembers, openConversation } from '../conversations/conversation-members.ts';
import { appendHistory } from '../conversations/message-log.ts';
import { insertInSlices } from '../store/bulk-insert.ts';
import type { Database, HotlineThreadTable } from '../store/schema.ts';

/** A past letter to the station head: its thread row, its two members and its finished messages. */
export interface HotlineHistoryThread {
  row: Insertable<HotlineThreadTable>;
  members: string[];
  messages: { senderId: string; clientId: string; text: string; at: number }[];
}

/**
 * Writes past hotline threads (the demo's month) in the caller's transaction: each thread's
 * conversation opened with its members, the thread rows, then each conversation's messages.
 */
export async function insertHotlineHistory(
  trx: Transaction<Database>,
  threads: readonly HotlineHistoryThread[],
): Promise<void> {
  for (const t of threads) {
    await openConversation(trx, { id: t.row.id, kind: 'hotline', name: 'hotline', at: Number(t.row.created_at) });
    await addMembers(trx, t.row.id, t.members, { at: Number(t.row.created_at) });
  }
  await insertInSlices(
    trx,
    'hotline_threads',
    threads.map((t) => t.row),
  );
  // Each thread's conversation is new: its messages take seq 1 onwards.
  for (const t of threads) await appendHistory(trx, t.row.id, t.messages);
}
