import type { Insertable, Transaction } from 'kysely';
import { insertInSlices } from '../store/bulk-insert.ts';
import type { Database, MatterTable } from '../store/schema.ts';

/**
 * Writes past matters (登记问题) as the matter service would have left them (the demo's month), in
 * the caller's transaction, on messages already stored in their groups.
 */
export async function insertMatterHistory(
  trx: Transaction<Database>,
  rows: readonly Insertable<MatterTable>[],
): Promise<void> {
  await insertInSlices(trx, 'matters', rows);
}
