import { existsSync } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { copyWithDigest, digestFile, listFiles, stamp, syncDir, type FileDigest } from './backup-files.ts';
import { BACKUP_DB_FILE, BACKUP_IMAGE_DIR, writeManifest, type BackupManifest } from './backup-manifest.ts';
import { checkStoreCopy, copyLiveStore, type CopyProgress } from './backup-sqlite.ts';

/** The SQLite file inside DATA_DIR (database.ts opens the same name). */
export const STORE_FILE = 'fengqiao.sqlite';

export interface BackupOptions {
  dataDir: string;
  imageDir: string;
  /** Folder the backup folder is made in (created when missing). */
  outDir: string;
  nodeId: string;
  /** Pages copied per step of the online copy; 256 pages of 4 KiB is 1 MiB. */
  stepPages?: number;
  /** Called after each step of the database copy; 'pause' copies nothing this turn (see copyLiveStore). */
  onStep?: (p: CopyProgress) => 'pause' | void;
  now?: () => Date;
}

export interface BackupResult {
  /** The finished backup folder, `<outDir>/fengqiao-<UTC stamp>`. */
  dir: string;
  manifest: BackupManifest;
  copy: CopyProgress;
}

/**
 * Makes a consistent backup of a running SQLite hub: the database through SQLite's online backup
 * API, checked with `integrity_check`, then the image folder, then manifest.json with a sha256 per
 * file. The database goes first: image files are write-once and named by id, so a file written
 * after the database snapshot is an extra, and every image the copy refers to is in the backup.
 * Everything is written under `<name>.partial` and renamed when complete, so a folder with the
 * final name is always a finished, checked backup.
 */
export async function createBackup(opts: BackupOptions): Promise<BackupResult> {
  const source = join(opts.dataDir, STORE_FILE);
  if (!existsSync(source)) throw new Error(`no SQLite store at ${source}: nothing to back up`);
  const inImages = relative(resolve(opts.imageDir), resolve(opts.outDir));
  if (!inImages.startsWith('..') && !isAbsolute(inImages))
    throw new Error(`the backup folder ${opts.outDir} is inside the image folder ${opts.imageDir}: choose another`);
  const createdAt = (opts.now ?? (() => new Date()))();
  const dir = join(opts.outDir, `fengqiao-${stamp(createdAt)}`);
  const partial = `${dir}.partial`;
  if (existsSync(dir)) throw new Error(`${dir} exists already: one backup per second`);
  await mkdir(opts.outDir, { recursive: true });
  try {
    await mkdir(partial);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new Error(`another backup is writing ${partial}`);
    throw err;
  }
  try {
    const dbCopy = join(partial, BACKUP_DB_FILE);
    const copy = await copyLiveStore(source, dbCopy, { stepPages: opts.stepPages ?? 256, onStep: opts.onStep });
    const facts = checkStoreCopy(dbCopy);
    const files: FileDigest[] = [{ path: BACKUP_DB_FILE, ...(await digestFile(dbCopy)) }];
    const images = await isDir(opts.imageDir);
    if (images) files.push(...(await copyImages(opts.imageDir, join(partial, BACKUP_IMAGE_DIR))));
    const manifest: BackupManifest = {
      format: 'fengqiao-backup',
      formatVersion: 1,
      createdAt: createdAt.toISOString(),
      nodeId: opts.nodeId,
      dialect: 'sqlite',
      schemaVersion: facts.schemaVersion,
      images,
      counts: facts.counts,
      files,
    };
    await writeManifest(partial, manifest);
    await syncDir(partial);
    await rename(partial, dir);
    await syncDir(opts.outDir);
    return { dir, manifest, copy };
  } catch (err) {
    await rm(partial, { recursive: true, force: true });
    throw err;
  }
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** Copies the image folder file by file; a file removed while the copy runs (a half-written upload's temp) is skipped. */
async function copyImages(from: string, to: string): Promise<FileDigest[]> {
  await mkdir(to);
  const copied: FileDigest[] = [];
  for (const rel of await listFiles(from)) {
    try {
      const digest = await copyWithDigest(join(from, rel), join(to, rel));
      copied.push({ path: `${BACKUP_IMAGE_DIR}/${rel}`, ...digest });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      // The source vanished after the listing; a partial destination may remain.
      await rm(join(to, rel), { force: true });
    }
  }
  return copied;
}
