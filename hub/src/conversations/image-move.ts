import type { Kysely } from 'kysely';
import type { Logger } from '../logger.ts';
import type { Database } from '../store/schema.ts';
import type { ImageFiles } from './image-files.ts';

const BATCH = 50;

/**
 * The one-time move of images stored before migration 0016: each row's bytes are written to its
 * files (durably), then its blob columns are nulled. Resumable and idempotent: a crash or a full
 * disk leaves the row with its bytes (served from the store meanwhile) and the next start goes on;
 * two nodes moving the same row write the same files. Returns how many rows it moved.
 */
export async function moveImagesToFiles(
  db: Kysely<Database>,
  files: ImageFiles,
  log: Logger,
  signal?: AbortSignal,
): Promise<number> {
  let moved = 0;
  let after = '';
  while (!signal?.aborted) {
    const rows = await db
      .selectFrom('images')
      .select(['id', 'legacy_data', 'legacy_thumb'])
      .where('id', '>', after)
      .where((eb) => eb.or([eb('legacy_data', 'is not', null), eb('legacy_thumb', 'is not', null)]))
      .orderBy('id')
      .limit(BATCH)
      .execute();
    for (const row of rows) {
      if (signal?.aborted) break;
      if (!row.legacy_data || !row.legacy_thumb) {
        // Only one half left: the files were written before the row was half-updated, which never happens.
        log.warn({ imageId: row.id }, 'image row holds only part of its bytes; left in the store');
        continue;
      }
      await files.write(row.id, { full: Buffer.from(row.legacy_data), thumb: Buffer.from(row.legacy_thumb) });
      await db.updateTable('images').set({ legacy_data: null, legacy_thumb: null }).where('id', '=', row.id).execute();
      moved++;
    }
    if (rows.length < BATCH) break;
    after = rows.at(-1)!.id;
  }
  if (moved > 0) log.info({ moved, dir: files.dir }, 'images moved from the store to files');
  return moved;
}
