import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readManifest } from './backup-manifest.ts';

const dir = mkdtempSync(join(tmpdir(), 'fq-manifest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const digest = { size: 1, sha256: 'a'.repeat(64) };
const manifest = (files: { path: string }[]) => ({
  format: 'fengqiao-backup',
  formatVersion: 1,
  createdAt: '2026-12-05T02:00:00.000Z',
  nodeId: 'hub-a',
  dialect: 'sqlite',
  schemaVersion: '0015-push',
  images: true,
  counts: { messages: 3 },
  files: files.map((f) => ({ ...f, ...digest })),
});
const read = (content: unknown) => {
  writeFileSync(join(dir, 'manifest.json'), typeof content === 'string' ? content : JSON.stringify(content));
  return readManifest(dir);
};

describe('backup manifest', () => {
  it('reads a well-formed manifest', async () => {
    const m = await read(manifest([{ path: 'fengqiao.sqlite' }, { path: 'images/ab/01J' }]));
    expect(m.files.map((f) => f.path)).toEqual(['fengqiao.sqlite', 'images/ab/01J']);
  });

  it.each([
    ['a path out of the folder', [{ path: 'fengqiao.sqlite' }, { path: 'images/../../etc/passwd' }], /relative path/],
    ['an absolute path', [{ path: 'fengqiao.sqlite' }, { path: '/etc/passwd' }], /relative path/],
    ['a file beside the known ones', [{ path: 'fengqiao.sqlite' }, { path: 'other.txt' }], /lists only/],
    ['no database', [{ path: 'images/a' }], /lists fengqiao\.sqlite/],
    ['a file twice', [{ path: 'fengqiao.sqlite' }, { path: 'fengqiao.sqlite' }], /unique/],
  ])('refuses %s', async (_what, files, message) => {
    await expect(read(manifest(files))).rejects.toThrow(message);
  });

  it('refuses what is not a manifest', async () => {
    await expect(read('{ half')).rejects.toThrow(/not valid JSON/);
    await expect(read({ ...manifest([{ path: 'fengqiao.sqlite' }]), dialect: 'postgres' })).rejects.toThrow(/dialect/);
    rmSync(join(dir, 'manifest.json'));
    await expect(readManifest(dir)).rejects.toThrow(/not a finished backup/);
  });
});
