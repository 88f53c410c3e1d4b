import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createOutdatedStore, storeDialects } from '@fengqiao/hub/test-support';
import { spawnHub, type HubProcess } from './support/hub-process.ts';

const hubDir = fileURLToPath(new URL('../hub/', import.meta.url));
const dialects = await storeDialects();
const dirs: string[] = [];
const procs: HubProcess[] = [];

afterAll(() => {
  for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** `pnpm hub:migrate [--dry-run]` as that script runs it (its source, in hub/), against this store. */
function migrateCli(env: Record<string, string>, ...args: string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/store/migrate-cli.ts', ...args], {
    cwd: hubDir,
    env: { ...process.env, DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })));
}

/** The SQLite file and its WAL, byte for byte: a dry run must leave both as they were. */
function sqliteBytes(dir: string): string {
  const hash = createHash('sha256');
  for (const f of ['fengqiao.sqlite', 'fengqiao.sqlite-wal'])
    if (existsSync(join(dir, f))) hash.update(readFileSync(join(dir, f)));
  return hash.digest('hex');
}

describe.each(dialects)('migrations run explicitly on $name', ({ name, available, databaseUrl }) => {
  it.skipIf(!available)(
    'dry run lists and changes nothing, the run applies, a rerun is a no-op; MIGRATE=never refuses an outdated store and starts on a current one',
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'fq-migrate-'));
      dirs.push(dataDir);
      const target = await databaseUrl();
      const env = { DATA_DIR: dataDir, DATABASE_URL: target.url ?? '' };
      try {
        const fresh = await migrateCli(env, '--dry-run');
        expect(fresh.code).toBe(0);
        expect(fresh.out).toContain('0001-foundation');
        expect(fresh.out).toContain('dry run: nothing changed');
        if (name === 'sqlite') expect(existsSync(join(dataDir, 'fengqiao.sqlite'))).toBe(false);

        // As an older hub left it: the schema up to 0013, newer migrations pending.
        await createOutdatedStore({ databaseUrl: target.url, dataDir }, '0013-store-probes');

        const refused = await spawnHub({ ...env, MIGRATE: 'never' }, { wait: false });
        procs.push(refused);
        expect(await refused.exited).toBe(1);
        expect(refused.output()).toContain("the store's schema is out of date (MIGRATE=never)");
        expect(refused.output()).toMatch(/pending migration\(s\): 0014-administration, 0015-push/);
        expect(refused.output()).toContain('pnpm hub:migrate');
        expect(refused.output()).not.toContain('Fengqiao Hub is up');

        const before = name === 'sqlite' ? sqliteBytes(dataDir) : '';
        const dry = await migrateCli(env, '--dry-run');
        expect(dry.code).toBe(0);
        expect(dry.out).toMatch(/pending migration\(s\):\n {2}0014-administration\n {2}0015-push\n/);
        expect(dry.out).not.toContain('0013-store-probes');
        expect(dry.out).toContain('dry run: nothing changed');
        if (name === 'sqlite') expect(sqliteBytes(dataDir)).toBe(before);

        // The run applies exactly what the dry run listed: so the dry run applied none of it.
        const run = await migrateCli(env);
        expect(run.code).toBe(0);
        expect(run.out).toMatch(/applied \d+ migration\(s\):\n {2}0014-administration\n {2}0015-push\n/);
        const rerun = await migrateCli(env);
        expect(rerun.code).toBe(0);
        expect(rerun.out).toContain('schema already up to date: nothing applied');
        expect((await migrateCli(env, '--dry-run')).out).toContain('no pending migrations');

        const started = await spawnHub({ ...env, MIGRATE: 'never', SEED_DEMO: 'never' });
        procs.push(started);
        expect((await fetch(`${started.url}/healthz`)).status).toBe(200);
        started.child.kill('SIGTERM');
        expect(await started.exited).toBe(0);
      } finally {
        await target.drop();
      }
    },
  );
});

describe.each(dialects)('two migrate runs at once on $name', ({ available, databaseUrl }) => {
  it.skipIf(!available)('take turns: one applies every migration, the other finds nothing to do', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fq-migrate-'));
    dirs.push(dataDir);
    const target = await databaseUrl();
    const env = { DATA_DIR: dataDir, DATABASE_URL: target.url ?? '' };
    try {
      const runs = await Promise.all([migrateCli(env), migrateCli(env)]);
      expect(runs.map((r) => r.code)).toEqual([0, 0]);
      const outs = runs.map((r) => r.out);
      expect(outs.filter((o) => o.includes('0001-foundation'))).toHaveLength(1);
      expect(outs.filter((o) => o.includes('nothing applied'))).toHaveLength(1);
    } finally {
      await target.drop();
    }
  });
});

describe('the migrate command', () => {
  it('answers an unknown option with its usage and exit code 2', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fq-migrate-'));
    dirs.push(dataDir);
    const res = await migrateCli({ DATA_DIR: dataDir }, '--dryrun');
    expect(res.code).toBe(2);
    expect(res.out).toContain('usage: pnpm hub:migrate [--dry-run]');
    expect(existsSync(join(dataDir, 'fengqiao.sqlite'))).toBe(false);
  });
});
