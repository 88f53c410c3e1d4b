import { existsSync, readdirSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { copyWithDigest, stamp, syncDir } from './backup-files.ts';
import { BACKUP_DB_FILE, BACKUP_IMAGE_DIR, readManifest, type BackupManifest } from './backup-manifest.ts';
import { checkStoreCopy, storeInUse } from './backup-sqlite.ts';
import { STORE_FILE } from './backup.ts';
import { migrationProvider } from './migrations/index.ts';

export interface RestoreOptions {
  backupDir: string;
  dataDir: string;
  imageDir: string;
  /** Replace an existing store (it is moved aside, not deleted). */
  force: boolean;
  now?: () => Date;
}

export interface RestoreResult {
  manifest: BackupManifest;
  /** Where the replaced store and image folder were moved, when there was one. */
  setAside: string[];
}

/** Why a restore did not start: nothing was changed. */
export class RestoreRefused extends Error {}

/**
 * Restores a backup made by createBackup into DATA_DIR and IMAGE_DIR. Refuses, changing nothing:
 * a manifest that does not check out, a backup of a schema newer than this code, a store in use by a
 * running hub, an existing store without `force`, a file whose sha256 differs from the manifest, a
 * copy that fails `integrity_check` or whose row counts differ from the manifest. The files are
 * copied next to their targets first (same file system) and verified there; only then is the old
 * store moved aside and the copies renamed into place.
 */
export async function restoreBackup(opts: RestoreOptions): Promise<RestoreResult> {
  const manifest = await readManifest(opts.backupDir);
  const known = Object.keys(await migrationProvider.getMigrations());
  if (!known.includes(manifest.schemaVersion))
    throw new RestoreRefused(
      `the backup's schema ${manifest.schemaVersion} is unknown to this hub (newest known: ${known.at(-1)}): restore it with the hub version that made it`,
    );

  const target = join(opts.dataDir, STORE_FILE);
  const oldFiles = [target, `${target}-wal`, `${target}-shm`].filter((f) => existsSync(f));
  const oldImages = existsSync(opts.imageDir);
  refuseWhenInUse(target);
  if (!opts.force && (oldFiles.length > 0 || (oldImages && readdirSync(opts.imageDir).length > 0)))
    throw new RestoreRefused(
      `a store exists at ${oldFiles[0] ?? opts.imageDir}: pass --force to replace it (it is moved aside, not deleted)`,
    );

  const at = stamp((opts.now ?? (() => new Date()))());
  await mkdir(opts.dataDir, { recursive: true });
  await mkdir(dirname(opts.imageDir), { recursive: true });
  const stagedDb = join(opts.dataDir, `.restore-${at}.sqlite`);
  const stagedImages = join(dirname(opts.imageDir), `.${basename(opts.imageDir)}.restore-${at}`);
  try {
    if (manifest.images) await mkdir(stagedImages);
    for (const file of manifest.files) {
      const to =
        file.path === BACKUP_DB_FILE ? stagedDb : join(stagedImages, file.path.slice(BACKUP_IMAGE_DIR.length + 1));
      const got = await copyWithDigest(join(opts.backupDir, file.path), to).catch((err: NodeJS.ErrnoException) => {
        throw new RestoreRefused(`cannot read ${file.path} of the backup (${err.code ?? err.message})`);
      });
      if (got.sha256 !== file.sha256 || got.size !== file.size)
        throw new RestoreRefused(`${file.path} does not match its checksum in the manifest: the backup is damaged`);
    }
    const facts = checkStoreCopy(stagedDb);
    const differ = Object.keys(manifest.counts).filter((t) => facts.counts[t] !== manifest.counts[t]);
    if (facts.schemaVersion !== manifest.schemaVersion || differ.length > 0)
      throw new RestoreRefused(`the restored copy differs from the manifest (${differ.join(', ') || 'schema'})`);
  } catch (err) {
    await rm(stagedDb, { force: true });
    await rm(stagedImages, { recursive: true, force: true });
    throw err;
  }

  // A hub may have started while the copies were made: look again right before the swap.
  refuseWhenInUse(target);
  const setAside: string[] = [];
  if (oldFiles.length > 0) {
    const aside = join(opts.dataDir, `before-restore-${at}`);
    await mkdir(aside);
    // The -wal and -shm go too: SQLite would otherwise replay the old WAL onto the restored file.
    for (const f of oldFiles.filter((x) => existsSync(x))) await rename(f, join(aside, basename(f)));
    setAside.push(aside);
  }
  if (oldImages) {
    const aside = join(dirname(opts.imageDir), `${basename(opts.imageDir)}.before-restore-${at}`);
    await rename(opts.imageDir, aside);
    setAside.push(aside);
  }
  await rename(stagedDb, target);
  if (manifest.images) await rename(stagedImages, opts.imageDir);
  await syncDir(opts.dataDir);
  await syncDir(dirname(opts.imageDir));
  return { manifest, setAside };
}

function refuseWhenInUse(target: string): void {
  if (existsSync(target) && storeInUse(target))
    throw new RestoreRefused(`${target} is in use by a running hub: stop every hub on this DATA_DIR first`);
}
