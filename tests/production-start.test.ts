import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, apiClient } from '@fengqiao/hub/test-support';
import { spawnHub, type HubProcess } from './support/hub-process.ts';

const dirs: string[] = [];
const procs: HubProcess[] = [];
const dataDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'fq-prod-'));
  dirs.push(d);
  return d;
};
async function stop(p: HubProcess): Promise<void> {
  p.child.kill('SIGTERM');
  await p.exited;
}

afterAll(async () => {
  for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** `hub/src/main.ts` as production starts it: no demo, a one-time set-up link in the banner. */
describe('a production start', () => {
  it('prints a one-time set-up link on an empty store, which makes the first administrator once; none after', async () => {
    const dir = dataDir();
    const first = await spawnHub({ DATA_DIR: dir, SEED_DEMO: 'never' });
    procs.push(first);
    expect(first.output()).not.toContain('demo log-ins');
    const secret = /\/setup#([a-z2-9]{32})/.exec(first.output())?.[1];
    expect(secret).toBeDefined();
    const api = apiClient(first.url);
    const made = await api('POST', '/api/setup', {
      secret,
      login: 'chief',
      name: '局管理员',
      password: ADMIN_PASSWORD,
    });
    expect(made.status).toBe(201);
    const again = await api('POST', '/api/setup', { secret, login: 'chief2', name: 'x', password: ADMIN_PASSWORD });
    expect(again.status).toBe(409);
    await stop(first);

    const restarted = await spawnHub({ DATA_DIR: dir, SEED_DEMO: 'never' });
    procs.push(restarted);
    expect(restarted.output()).not.toContain('/setup#');
    expect(
      (await apiClient(restarted.url)('POST', '/api/auth/login', { login: 'chief', password: ADMIN_PASSWORD })).status,
    ).toBe(200);
    await stop(restarted);
  });

  it('warns loudly at every start of a demo store served at a non-local origin', async () => {
    const dir = dataDir();
    const local = await spawnHub({ DATA_DIR: dir, SEED_DEMO: 'demo' });
    procs.push(local);
    expect(local.output()).not.toContain('WARNING');
    await stop(local);
    // The same demo store, now behind a public address, even with the demo switched off.
    const exposed = await spawnHub({ DATA_DIR: dir, SEED_DEMO: 'never', PUBLIC_ORIGIN: 'https://fq.example.org' });
    procs.push(exposed);
    expect(exposed.output()).toContain('WARNING: this store holds the DEMO data');
    expect(exposed.output()).toContain('THIS HUB HOLDS THE DEMO DATA');
    await stop(exposed);
  });
});
