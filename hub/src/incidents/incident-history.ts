import type { Insertable, Transaction } from 'kysely';
import { insertInSlices } from '../store/bulk-insert.ts';
import type { Database, IncidentTable } from '../store/schema.ts';

/**
 * Writes past incidents as the incident service would have left them (the demo's month), in the
 * caller's transaction. Rows come complete: numbers, statuses and times are the caller's plan.
 */
export async function insertIncidentHistory(
  trx: Transaction<Database>,
  rows: readonly Insertable<IncidentTable>[],
): Promise<void> {
  await insertInSlices(trx, 'incidents', rows);
}
