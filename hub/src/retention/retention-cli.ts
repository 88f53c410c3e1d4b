import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { createImageFiles } from '../conversations/image-files.ts';
import { createLogger } from '../logger.ts';
import { openStore } from '../store/database.ts';
import { createRetentionSweep, type KindReport } from './retention-sweep.ts';

/**
 * `pnpm hub:retention [--dry-run]`: against the store and image folder the hub uses, prints per
 * kind what is due (count, oldest) without deleting, or runs the sweep once now (a run of its
 * own, claimed like the daily one) and prints what it deleted.
 */
const USAGE = 'usage: pnpm hub:retention [--dry-run]';

const day = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString().slice(0, 10));

function line(r: KindReport): string {
  const period = r.kind === 'orphanFiles' ? '1 day' : r.days === undefined ? 'kept forever' : `${r.days} days`;
  return `  ${r.kind.padEnd(16)} ${period.padEnd(14)} ${String(r.count).padStart(9)}   oldest ${day(r.oldest)}`;
}

async function main(): Promise<number> {
  let dryRun: boolean;
  try {
    dryRun = parseArgs({ options: { 'dry-run': { type: 'boolean' } } }).values['dry-run'] ?? false;
  } catch {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = loadConfig();
  const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, nodeId: 'retention-cli' });
  try {
    const sweep = createRetentionSweep({
      db: store.db,
      files: createImageFiles(config.imageDir),
      config: config.retention,
      timeZone: config.reports.timeZone,
      nodeId: 'retention-cli',
      log,
    });
    if (dryRun) {
      process.stdout.write(`retention dry run (${store.dialect}): nothing is deleted\n`);
      for (const r of await sweep.report()) process.stdout.write(`${line(r)}\n`);
      return 0;
    }
    const outcome = await sweep.runNow();
    if (!outcome.ran) {
      process.stderr.write(`retention run did not finish: ${outcome.reason}\n`);
      return 1;
    }
    process.stdout.write(`retention run ${outcome.runId} (${store.dialect}) deleted:\n`);
    for (const [kind, n] of Object.entries(outcome.counts)) process.stdout.write(`  ${kind.padEnd(16)} ${n}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

process.exitCode = await main();
