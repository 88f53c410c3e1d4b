import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { connectSocket, freePort, login, nextEvent } from '@fengqiao/hub/test-support';

const hubDir = fileURLToPath(new URL('../hub/', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'fq-process-'));

/** Starts `hub/src/main.ts` as its own process, the way `pnpm start` does; resolves with its banner. */
async function startProcess(
  port: number,
): Promise<{ child: ChildProcess; banner: string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: hubDir,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      // As `pnpm start` asks for it: production (the default) would start empty.
      SEED_DEMO: 'demo',
      REDIS_URL: '',
      DATABASE_URL: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let out = '';
  const banner = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 30 s:\n${out}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('demo log-ins') && out.trimEnd().endsWith('滨海市公安局')) {
        clearTimeout(timer);
        resolve(out);
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    void exited.then((code) => reject(new Error(`hub exited ${code}:\n${out}`)));
  });
  return { child, banner, exited };
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the hub as a process', () => {
  it('prints where to open it and the demo log-ins, reuses its data on restart, and stops gracefully on SIGTERM', async () => {
    const port = await freePort();
    const first = await startProcess(port);
    expect(first.banner).toContain(`http://localhost:${port}`);
    expect(first.banner).toMatch(/password fengqiao2026/);
    for (const role of ['dispatcher', 'station_head', 'officer', 'resident', 'admin'])
      expect(first.banner).toContain(role);

    const url = `http://127.0.0.1:${port}`;
    const officerLogin = /\n\s+(\d{6})\s+officer/.exec(first.banner)![1]!;
    const session = await login(url, officerLogin);
    const socket = await connectSocket(url, { cookie: session.cookie });
    const closed = nextEvent<string>(socket, 'disconnect', 10_000);
    first.child.kill('SIGTERM');
    expect(await closed).toMatch(/io server disconnect|transport close/);
    expect(await first.exited).toBe(0);

    // Same data folder: the session made before the restart still works, and nothing is seeded again.
    const second = await startProcess(port);
    try {
      const me = await fetch(`${url}/api/auth/me`, { headers: { cookie: session.cookie } });
      expect(me.status).toBe(200);
      const users = await fetch(`${url}/api/demo/accounts`).then(
        (r) => r.json() as Promise<{ accounts: { login: string }[] }>,
      );
      expect(users.accounts.map((a) => a.login)).toContain(officerLogin);
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  });
});
