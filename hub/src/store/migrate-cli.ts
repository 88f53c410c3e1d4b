import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { migrationProvider } from './migrations/index.ts';
import { SQLITE_FILE, migrateToLatest, openStore, pendingMigrations } from './database.ts';

/**
 * `pnpm hub:migrate [--dry-run]` (`node hub/dist/migrate.js` when built): brings the schema of the
 * store the hub would use (DATABASE_URL, or SQLite in DATA_DIR) up to date, so hubs can start with
 * MIGRATE=never. --dry-run lists what is pending and opens the store read-only.
 */
const USAGE = 'usage: pnpm hub:migrate [--dry-run]';

function list(names: string[]): string {
  return names.map((n) => `  ${n}\n`).join('');
}

async function main(): Promise<number> {
  let dryRun: boolean;
  try {
    dryRun = parseArgs({ options: { 'dry-run': { type: 'boolean' } } }).values['dry-run'] === true;
  } catch {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = loadConfig();
  const sqlitePath = join(config.dataDir, SQLITE_FILE);
  // Names the store without the URL's password.
  const url = config.databaseUrl ? new URL(config.databaseUrl) : undefined;
  const where = url ? `postgres ${url.host}${url.pathname}` : `sqlite ${sqlitePath}`;
  process.stdout.write(`store: ${where}\n`);

  if (dryRun && !config.databaseUrl && !existsSync(sqlitePath)) {
    const all = Object.keys(await migrationProvider.getMigrations()).sort();
    process.stdout.write(`no store yet: all ${all.length} migration(s) pending:\n${list(all)}`);
    process.stdout.write('dry run: nothing changed\n');
    return 0;
  }
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    nodeId: 'hub-migrate-cli',
    migrate: 'manual',
    readOnly: dryRun,
  });
  try {
    if (dryRun) {
      const pending = await pendingMigrations(store.db);
      process.stdout.write(
        pending.length
          ? `${pending.length} pending migration(s):\n${list(pending)}dry run: nothing changed\n`
          : 'schema up to date: no pending migrations\n',
      );
    } else {
      const applied = await migrateToLatest(store.db, store.dialect);
      process.stdout.write(
        applied.length
          ? `applied ${applied.length} migration(s):\n${list(applied)}schema up to date\n`
          : 'schema already up to date: nothing applied\n',
      );
    }
    return 0;
  } finally {
    await store.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`migration failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
