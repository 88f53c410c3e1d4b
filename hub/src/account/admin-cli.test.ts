import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { apiClient, ADMIN_PASSWORD, startTestHub, storeDialects } from '../../test-support/index.ts';

const hubDir = fileURLToPath(new URL('../../', import.meta.url));

/** Runs `hub:admin` as the operator would (a process of its own), the password on standard input. */
function runCli(
  args: string[],
  env: Record<string, string>,
  stdin: string,
): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/account/admin-cli.ts', ...args], {
    cwd: hubDir,
    env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'silent', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  child.stdin.end(stdin);
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })));
}

for (const dialect of await storeDialects()) {
  describe.skipIf(!dialect.available)(`pnpm hub:admin create on ${dialect.name}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'fq-cli-'));
    let drop: () => Promise<void> = async () => {};
    afterAll(async () => {
      await drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('creates an administrator in an empty store the hub then signs in; refuses a weak password and a taken log-in', async () => {
      const target = await dialect.databaseUrl();
      drop = target.drop;
      const env = { DATA_DIR: dir, ...(target.url ? { DATABASE_URL: target.url } : {}) };
      const args = ['create', '--login', 'chief', '--name', '张局', '--password-stdin'];
      const weak = await runCli(args, env, 'password1234\n');
      expect(weak).toMatchObject({ code: 1, out: expect.stringContaining('password_too_common') });
      const made = await runCli(args, env, `${ADMIN_PASSWORD}\n`);
      expect(made).toMatchObject({ code: 0, out: expect.stringContaining('administrator chief created') });
      const twice = await runCli(args, env, `${ADMIN_PASSWORD}\n`);
      expect(twice).toMatchObject({ code: 1, out: expect.stringContaining('taken') });
      const usage = await runCli(['create', '--login', 'x'], env, '');
      expect(usage.code).toBe(2);

      const t = await startTestHub({ dataDir: dir, databaseUrl: target.url, demo: false });
      try {
        // An administrator exists: no set-up link, set-up refused, and the CLI's admin signs in.
        expect(t.hub.setupSecret).toBeUndefined();
        const api = apiClient(t.url);
        expect((await api('GET', '/api/setup')).body.needed).toBe(false);
        const signIn = await api('POST', '/api/auth/login', { login: 'chief', password: ADMIN_PASSWORD });
        expect(signIn.status).toBe(200);
        expect(signIn.body.me).toMatchObject({ role: 'admin', name: '张局' });
      } finally {
        await t.close();
      }
    });
  });
}
