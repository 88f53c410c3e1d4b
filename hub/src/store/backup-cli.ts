import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { createBackup } from './backup.ts';
import { RestoreRefused, restoreBackup } from './backup-restore.ts';

/**
 * `pnpm hub:backup [--out <dir>]`: an online backup of the SQLite store and image folder the hub
 * would use (DATA_DIR, IMAGE_DIR), while it runs. `pnpm hub:restore <backup-dir> [--force]`: puts
 * one back, with every hub on that DATA_DIR stopped. PostgreSQL stores are refused: see README,
 * Production → Backups, for pg_dump / pg_restore.
 */
const USAGE = 'usage: pnpm hub:backup [--out <dir>] | pnpm hub:restore <backup-dir> [--force]';

const POSTGRES_BACKUP =
  'DATABASE_URL is set: this store is PostgreSQL, which hub:backup does not copy. Back it up with ' +
  '`pg_dump -Fc "$DATABASE_URL" -f fengqiao.dump` and copy IMAGE_DIR with rsync (README: Production → Backups).';
const POSTGRES_RESTORE =
  'DATABASE_URL is set: this store is PostgreSQL, which hub:restore does not write. Restore it with ' +
  '`pg_restore --clean --if-exists -d "$DATABASE_URL" fengqiao.dump` and put IMAGE_DIR back with rsync (README: Production → Backups).';

/** pnpm runs scripts in the package folder; paths on the command line mean the caller's folder. */
const callerPath = (p: string) => resolve(process.env.INIT_CWD ?? process.cwd(), p);

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { out: { type: 'string' }, force: { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  const [command, dir, ...rest] = positionals;
  const config = loadConfig();
  if (command === 'backup' && dir === undefined) {
    if (config.databaseUrl) return refuse(POSTGRES_BACKUP);
    const outDir = values.out ? callerPath(values.out) : resolve(config.dataDir, 'backups');
    const {
      dir: made,
      manifest,
      copy,
    } = await createBackup({
      dataDir: config.dataDir,
      imageDir: config.imageDir,
      outDir,
      nodeId: config.nodeId,
    });
    const bytes = manifest.files.reduce((n, f) => n + f.size, 0);
    const images = manifest.files.length - 1;
    process.stdout.write(
      `backup written to ${made}\n  store ${manifest.schemaVersion}, ${copy.totalPages} pages, integrity ok; ` +
        `${images} image file(s); ${mib(bytes)} in all; messages ${manifest.counts.messages ?? 0}\n`,
    );
    return 0;
  }
  if (command === 'restore' && dir !== undefined && rest.length === 0) {
    if (config.databaseUrl) return refuse(POSTGRES_RESTORE);
    const { manifest, setAside } = await restoreBackup({
      backupDir: callerPath(dir),
      dataDir: config.dataDir,
      imageDir: config.imageDir,
      force: values.force,
    });
    process.stdout.write(
      `restored the backup of ${manifest.createdAt} (${manifest.schemaVersion}) into ${config.dataDir}\n` +
        setAside.map((p) => `  the previous store was moved to ${p}\n`).join(''),
    );
    return 0;
  }
  return refuse(USAGE);
}

function refuse(message: string): number {
  process.stderr.write(`${message}\n`);
  return 2;
}

// Should the work ever stall with nothing left to wait for, the process must not end as a success.
process.exitCode = 1;
main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const refused = err instanceof RestoreRefused;
    process.stderr.write(`${refused ? 'restore refused' : 'failed'}: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
