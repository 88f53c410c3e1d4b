import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.ts';

/**
 * Takes `n` consecutive change numbers inside the caller's transaction. The counter row is
 * locked until commit, so numbers are handed out in commit order: a client that has seen rev R
 * has seen every change below R, and `since R` never skips one.
 */
export async function takeRevs(trx: Transaction<Database> | Kysely<Database>, n: number): Promise<number> {
  const row = await trx
    .updateTable('counters')
    .set((eb) => ({ value: eb('value', '+', n) }))
    .where('name', '=', 'order_rev')
    .returning('value')
    .executeTakeFirstOrThrow();
  return Number(row.value) - n + 1;
}
