import { open, readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { join } from 'node:path';
import { z } from 'zod';
import type { FileDigest } from './backup-files.ts';

/** The name of the SQLite copy inside a backup folder, and of the image folder's copy. */
export const BACKUP_DB_FILE = 'fengqiao.sqlite';
export const BACKUP_IMAGE_DIR = 'images';
export const MANIFEST_FILE = 'manifest.json';

/** A path inside the backup folder: relative, `/`-separated, never leaving it. */
const insidePath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.includes('\\') && posix.normalize(p) === p && !p.startsWith('..'), {
    message: 'a relative path inside the backup folder',
  });

const manifestSchema = z.object({
  format: z.literal('fengqiao-backup'),
  formatVersion: z.literal(1),
  createdAt: z.iso.datetime(),
  nodeId: z.string(),
  dialect: z.literal('sqlite'),
  /** The last migration applied to the copied store. */
  schemaVersion: z.string().min(1),
  /** Whether the image folder existed when the backup was made (an empty folder lists no files). */
  images: z.boolean(),
  counts: z.record(z.string(), z.number().int().min(0)),
  files: z
    .array(z.object({ path: insidePath, size: z.number().int().min(0), sha256: z.string().regex(/^[0-9a-f]{64}$/) }))
    .refine((files) => new Set(files.map((f) => f.path)).size === files.length, { message: 'paths are unique' })
    .refine((files) => files.some((f) => f.path === BACKUP_DB_FILE), { message: `lists ${BACKUP_DB_FILE}` })
    .refine((files) => files.every((f) => f.path === BACKUP_DB_FILE || f.path.startsWith(`${BACKUP_IMAGE_DIR}/`)), {
      message: `lists only ${BACKUP_DB_FILE} and files under ${BACKUP_IMAGE_DIR}/`,
    }),
});

/** What a backup folder holds, written last: a folder without it is not a finished backup. */
export type BackupManifest = z.infer<typeof manifestSchema> & { files: FileDigest[] };

/** Writes manifest.json and flushes it to disk. */
export async function writeManifest(dir: string, manifest: BackupManifest): Promise<void> {
  const handle = await open(join(dir, MANIFEST_FILE), 'wx');
  try {
    await handle.writeFile(`${JSON.stringify(manifest, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Reads and checks a backup folder's manifest; throws a sentence saying what is wrong. */
export async function readManifest(dir: string): Promise<BackupManifest> {
  let text: string;
  try {
    text = await readFile(join(dir, MANIFEST_FILE), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown';
    throw new Error(`${dir} is not a finished backup: no readable ${MANIFEST_FILE} (${code})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${join(dir, MANIFEST_FILE)} is not valid JSON`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'manifest'}: ${i.message}`);
    throw new Error(`${join(dir, MANIFEST_FILE)} is not a Fengqiao backup manifest (${issues.join('; ')})`);
  }
  return parsed.data;
}
