import type { Insertable, Transaction } from 'kysely';
import type { Database } from './schema.ts';

/** Rows per INSERT: far under either dialect's bound-parameter limit for the widest table. */
const SLICE = 200;

/**
 * Inserts many rows into one table with multi-row INSERTs in slices, inside the caller's
 * transaction. For owning modules' bulk writers only: the caller's module must own `table`.
 */
export async function insertInSlices<T extends keyof Database & string>(
  trx: Transaction<Database>,
  table: T,
  rows: readonly Insertable<Database[T]>[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += SLICE)
    await trx
      .insertInto(table)
      .values(rows.slice(i, i + SLICE) as never)
      .execute();
}
