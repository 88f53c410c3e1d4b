import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectSocket, firstGrid, login, readJson, startTestHub, type TestHub } from '@fengqiao/hub/test-support';
import { spawnHub } from './support/hub-process.ts';

/** tmpfs mounts need root; without it the full-disk case is skipped with a line saying so. */
const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn('skipping the full-disk test: mounting a small tmpfs needs root');
const base = mkdtempSync(join(tmpdir(), 'fq-disk-'));
const mounts: string[] = [];

function mountTmpfs(name: string, options: string): string {
  const dir = join(base, name);
  mkdirSync(dir);
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'fq-test', dir]);
  if (r.status !== 0) throw new Error(`mount failed: ${r.stderr.toString()}`);
  mounts.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of mounts) spawnSync('umount', ['-l', dir]);
  rmSync(base, { recursive: true, force: true });
});

describe('a data directory the hub cannot write', () => {
  it('stops start-up with one line that says so', async () => {
    // Root ignores file modes: a read-only mount then; otherwise a folder without write permission.
    const dir = isRoot ? mountTmpfs('read-only', 'ro,size=1m') : join(base, 'read-only');
    if (!isRoot) {
      mkdirSync(dir);
      chmodSync(dir, 0o555);
    }
    const hub = await spawnHub({ DATA_DIR: dir }, { wait: false });
    expect(await hub.exited).toBe(1);
    const lines = hub.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`cannot start: data directory ${dir} is not writable (${isRoot ? 'EROFS' : 'EACCES'})`);
  });
});

describe.skipIf(!isRoot)('a full disk under the SQLite store', () => {
  let t: TestHub;
  afterAll(() => t?.close());

  it('answers store_unavailable (SQLITE_FULL), turns unready, and takes the retried write once space is freed', async () => {
    const dir = mountTmpfs('full', 'size=64m');
    t = await startTestHub({ dataDir: dir, env: { MESSAGE_RATE_STAFF_PER_MINUTE: '1000000' } });
    const { groupId, officerLogin } = await firstGrid(t.hub);
    const s = await connectSocket(t.url, { cookie: (await login(t.url, officerLogin)).cookie });

    // Fill what is left of the file system.
    const filler = join(dir, 'filler');
    const fd = openSync(filler, 'w');
    const chunk = Buffer.alloc(1 << 20, 1);
    try {
      for (;;) writeSync(fd, chunk);
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
    } finally {
      closeSync(fd);
    }

    let refused: { clientId: string; code: string; message: string } | undefined;
    for (let i = 0; i < 300 && !refused; i++) {
      const clientId = `tmpfs-full-${i}`;
      const res = await s.emitWithAck('message:send', { groupId, clientId, text: `磁盘满${i} ${'字'.repeat(900)}` });
      if (!res.ok) refused = { clientId, code: res.error.code, message: res.error.message };
    }
    expect(refused).toMatchObject({ code: 'store_unavailable' });
    expect(refused!.message).toMatch(/SQLITE_FULL|SQLITE_IOERR/);
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(503);
    expect((await readJson(ready)).store.writable).toBe(false);

    unlinkSync(filler);
    const retried = await s.emitWithAck('message:send', { groupId, clientId: refused!.clientId, text: 'again' });
    expect(retried).toMatchObject({ ok: true });
    s.close();
  });
});
