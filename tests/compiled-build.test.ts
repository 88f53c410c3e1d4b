import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSocket, login } from '@fengqiao/hub/test-support';
import { spawnHub, type HubProcess } from './support/hub-process.ts';

const repoDir = fileURLToPath(new URL('../', import.meta.url));

/** The README's "Build and run compiled": `pnpm build`, then `node hub/dist/main.js` and `node bots/dist/main.js`. */
describe('the compiled build', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fq-compiled-'));
  const killOnExit: { kill(signal: NodeJS.Signals): void; exitCode: number | null }[] = [];
  let hub: HubProcess;

  beforeAll(async () => {
    // Built here too, so the test never runs a stale dist/ (the web build is not needed for this).
    execFileSync('pnpm', ['--filter', '@fengqiao/hub', '--filter', '@fengqiao/bots', 'build'], {
      cwd: repoDir,
      stdio: 'pipe',
    });
    hub = await spawnHub({ DATA_DIR: dataDir, SEED_DEMO: 'demo', LOG_LEVEL: 'info' }, { compiled: true });
    killOnExit.push(hub.child);
  });
  afterAll(() => {
    for (const c of killOnExit) if (c.exitCode === null) c.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps tsx, esbuild and pino-pretty out of the production dependencies of the hub and the bots', () => {
    for (const pkg of ['@fengqiao/hub', '@fengqiao/bots']) {
      const prod = execFileSync('pnpm', ['--filter', pkg, 'list', '--prod', '--depth', 'Infinity', '--parseable'], {
        cwd: repoDir,
        encoding: 'utf8',
      });
      expect(prod).toContain('/kysely@');
      expect(prod).not.toMatch(/\/(tsx|esbuild|pino-pretty)@/);
    }
  });

  it('starts the hub from hub/dist/main.js: banner, JSON logs, /healthz, and a socket signs in', async () => {
    expect(hub.output()).toContain('demo log-ins');
    // Not a terminal: one JSON object a line.
    const logLine = hub
      .output()
      .split('\n')
      .find((l) => l.startsWith('{'));
    expect(JSON.parse(logLine!)).toMatchObject({ app: 'fengqiao-hub' });
    expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);
    // The first demo log-in the banner lists.
    const loginName = /demo log-ins[^\n]*\n\s+(\S+)/.exec(hub.output())![1]!;
    const { token } = await login(hub.url, loginName);
    const socket = await connectSocket(hub.url, { token });
    expect(socket.connected).toBe(true);
    socket.close();
  });

  it('runs hub/dist/migrate.js against the same store: nothing pending', () => {
    const out = execFileSync(process.execPath, ['hub/dist/migrate.js', '--dry-run'], {
      cwd: repoDir,
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' },
      encoding: 'utf8',
    });
    expect(out).toContain('schema up to date: no pending migrations');
  });

  it('starts the report bot from bots/dist/main.js with the token the demo hub wrote, logs readable lines when asked, and stops on SIGTERM', async () => {
    const bot = spawn(process.execPath, ['bots/dist/main.js'], {
      cwd: repoDir,
      env: {
        ...process.env,
        HUB_URL: hub.url,
        BOT_TOKEN: '',
        BOT_TOKEN_FILE: join(dataDir, 'bot-token'),
        LOG_FORMAT: 'pretty',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    killOnExit.push(bot);
    let out = '';
    const exited = new Promise<number | null>((r) => bot.once('exit', (code) => r(code)));
    await new Promise<void>((resolve, reject) => {
      bot.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('report bot running')) resolve();
      });
      bot.stderr.on('data', (d: Buffer) => (out += d.toString()));
      void exited.then((code) => reject(new Error(`bot exited ${code}:\n${out}`)));
    });
    // pino-pretty, found beside the bundle: `INFO: report bot running`, no JSON.
    expect(out).toMatch(/INFO.*: report bot running/);
    expect(out.split('\n').some((l) => l.startsWith('{'))).toBe(false);
    bot.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
