import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '@fengqiao/hub/protocol';
import {
  connectSocket,
  createBackup,
  login,
  newestMigration,
  readJson,
  startTestHub,
  type TestHub,
  type TestSocket,
} from '@fengqiao/hub/test-support';

const hubDir = fileURLToPath(new URL('../hub/', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'fq-backup-'));
/** A 64 × 48 red PNG. */
const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAEAAAAAwCAIAAAAuKetIAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAfElEQVR4nO2SAQkAQBCD1sn+DQz1McbxAwPoWITTpG7gAqiv6C7EXVI3cAHUV3QX4i6pG7gA6iu6C3GX1A1cAPUV3YW4S+oGLoD6iu5C3CV1AxdAfUV3Ie6SuoELoL6iuxB3Sd3ABVBf0V2Iu6Ru4AKor+guxF1SN/DzgAfGcljT2SU2qgAAAABJRU5ErkJggg==',
  'base64',
);
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Runs `backup-cli.ts` (what `pnpm hub:backup` / `hub:restore` run) as its own process. */
function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/store/backup-cli.ts', ...args], {
    cwd: hubDir,
    env: { ...process.env, DATABASE_URL: '', IMAGE_DIR: '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out, err })));
}

/** Every message of a group from seq 1, through the same sync a reconnecting client uses. */
async function allMessages(s: TestSocket, groupId: string): Promise<MessageView[]> {
  const found: MessageView[] = [];
  for (;;) {
    const res = await s.emitWithAck('group:sync', { cursors: { [groupId]: found.at(-1)?.seq ?? 0 }, limit: 1000 });
    if (!res.ok) throw new Error(res.error.message);
    found.push(...res.messages.filter((m) => m.groupId === groupId));
    if (!res.more) return found;
  }
}

const rates = { MESSAGE_RATE_STAFF_PER_MINUTE: '100000', MESSAGE_RATE_RESIDENT_PER_MINUTE: '100000' };

describe('SQLite backup and restore', () => {
  const dirA = join(root, 'a');
  const dirB = join(root, 'b');
  const out = join(root, 'backups');
  let a: TestHub;
  let s: TestSocket;
  let groupId: string;
  let officer: string;
  let backupDir: string;
  let imageId: string;

  beforeAll(async () => {
    a = await startTestHub({ dataDir: dirA, env: rates });
    const db = a.hub.store.db;
    const member = await db
      .selectFrom('group_members')
      .innerJoin('users', 'users.id', 'group_members.user_id')
      .innerJoin('groups', 'groups.id', 'group_members.group_id')
      .innerJoin('units', 'units.id', 'groups.unit_id')
      .select(['users.login', 'group_members.group_id'])
      .where('users.role', '=', 'officer')
      .where('units.kind', '=', 'grid')
      .orderBy('users.id')
      .executeTakeFirstOrThrow();
    officer = member.login;
    groupId = member.group_id;
    s = await connectSocket(a.url, { cookie: (await login(a.url, officer)).cookie });
  });
  afterAll(async () => {
    s?.close();
    await a?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('backs up while messages are written through sockets, and restores an identical, working store', async () => {
    const { cookie } = await login(a.url, officer);
    const uploaded = await fetch(`${a.url}/api/groups/${groupId}/images`, {
      method: 'POST',
      headers: { 'content-type': 'image/png', origin: a.url, cookie },
      body: png,
    });
    imageId = (await readJson(uploaded)).image.id;
    const withImage = await s.emitWithAck('message:send', { groupId, clientId: 'bk-image', text: '', imageId });
    expect(withImage).toEqual(expect.objectContaining({ ok: true }));

    const acked: { clientId: string; seq: number; text: string }[] = [];
    let n = 0;
    const send = async () => {
      const clientId = `backup-${++n}`;
      const res = await s.emitWithAck('message:send', { groupId, clientId, text: `备份中的消息 ${n}` });
      if (!res.ok) throw new Error(res.error.message);
      acked.push({ clientId, seq: res.message.seq, text: res.message.text });
    };
    for (let i = 0; i < 20; i++) await send();
    const before = [...acked];

    // A writer that keeps going until told to stop; the backup copies while it writes.
    let stop = false;
    const writer = (async () => {
      while (!stop) await send();
    })();
    let ackedAtFirstPages: number | undefined;
    const backup = await createBackup({
      dataDir: dirA,
      imageDir: join(dirA, 'images'),
      outDir: out,
      nodeId: 'test-node',
      stepPages: 4,
      onStep: ({ totalPages, remainingPages }) => {
        if (totalPages === remainingPages) return;
        ackedAtFirstPages ??= acked.length;
        // Hold the copy open, part-way through, until ten more writes are acknowledged.
        if (acked.length < ackedAtFirstPages + 10) return 'pause';
      },
    });
    const writtenDuring = acked.length - ackedAtFirstPages!;
    const atEnd = acked.length;
    while (acked.length < atEnd + 5) await new Promise((r) => setTimeout(r, 10));
    stop = true;
    await writer;
    backupDir = backup.dir;

    expect(writtenDuring).toBeGreaterThanOrEqual(10);
    expect(backup.copy.restarts).toBeGreaterThanOrEqual(1);
    // The schema the store is at: its newest applied migration.
    expect(backup.manifest).toMatchObject({
      dialect: 'sqlite',
      nodeId: 'test-node',
      schemaVersion: await newestMigration(),
    });
    // The uploaded image is a file pair in IMAGE_DIR (conversations/image-files.ts): backed up with the store.
    const imageFile = `images/${imageId.slice(-2)}/${imageId}`;
    expect(backup.manifest.files.map((f) => f.path).sort()).toEqual(
      ['fengqiao.sqlite', imageFile, `${imageFile}.thumb`].sort(),
    );
    for (const f of backup.manifest.files) expect(sha(join(backupDir, f.path))).toBe(f.sha256);
    expect(readdirSync(out)).toEqual([backup.dir.split('/').at(-1)]);

    const restored = await runCli(['restore', backupDir], { DATA_DIR: dirB });
    expect(restored).toMatchObject({ code: 0, err: '' });
    expect(restored.out).toContain('restored the backup of');

    const b = await startTestHub({ dataDir: dirB, env: rates });
    try {
      // Sign-in works on the restored store (same person, same password).
      const sb = await connectSocket(b.url, { cookie: (await login(b.url, officer)).cookie });
      const onB = await allMessages(sb, groupId);
      sb.close();
      const onA = await allMessages(s, groupId);
      const seqs = onB.map((m) => m.seq);
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
      // The restored group is exactly the original up to the snapshot: nothing missing, nothing altered.
      expect(onB.map((m) => [m.seq, m.clientId, m.text])).toEqual(
        onA.slice(0, onB.length).map((m) => [m.seq, m.clientId, m.text]),
      );
      for (const m of before) expect(onB.find((x) => x.clientId === m.clientId)).toMatchObject(m);
      expect(onB.length).toBeGreaterThanOrEqual(before.at(-1)!.seq);
      expect(onB.length).toBeLessThan(onA.length);
      expect(backup.manifest.counts.messages).toBeGreaterThanOrEqual(onB.length);

      const image = await fetch(`${b.url}/api/images/${imageId}`, {
        headers: { cookie: (await login(b.url, officer)).cookie },
      });
      expect(image.status).toBe(200);
      expect(Buffer.from(await image.arrayBuffer()).equals(png)).toBe(true);
      expect(readFileSync(join(dirB, imageFile)).equals(png)).toBe(true);
    } finally {
      await b.close();
    }

    // The restored store passes integrity_check (a second backup checks it) and holds the same rows.
    const again = await runCli(['backup', '--out', join(root, 'again')], { DATA_DIR: dirB });
    expect(again).toMatchObject({ code: 0, err: '' });
    expect(again.out).toContain('integrity ok');
    const second = JSON.parse(
      readFileSync(join(root, 'again', readdirSync(join(root, 'again'))[0]!, 'manifest.json'), 'utf8'),
    ) as typeof backup.manifest;
    const rows = ({ counts: c }: typeof second) => [c.users, c.groups, c.messages, c.images];
    expect(rows(second)).toEqual(rows(backup.manifest));
  });

  it('refuses a damaged backup and leaves the target untouched', async () => {
    const damaged = join(root, 'damaged');
    cpSync(backupDir, damaged, { recursive: true });
    const file = join(damaged, 'fengqiao.sqlite');
    const bytes = readFileSync(file);
    const middle = Math.floor(bytes.length / 2);
    bytes.writeUInt8(bytes.readUInt8(middle) ^ 0xff, middle);
    writeFileSync(file, bytes);
    const target = join(root, 'c');
    const res = await runCli(['restore', damaged], { DATA_DIR: target });
    expect(res.code).toBe(1);
    expect(res.err).toMatch(/restore refused: fengqiao\.sqlite does not match its checksum/);
    expect(existsSync(target) ? readdirSync(target) : []).toEqual([]);

    const noManifest = join(root, 'half');
    cpSync(backupDir, noManifest, { recursive: true });
    rmSync(join(noManifest, 'manifest.json'));
    expect((await runCli(['restore', noManifest], { DATA_DIR: target })).err).toMatch(/not a finished backup/);
  });

  it('refuses an existing store without --force, a running hub even with it, and keeps the replaced store', async () => {
    const storeB = join(dirB, 'fengqiao.sqlite');
    const beforeSha = sha(storeB);
    const refused = await runCli(['restore', backupDir], { DATA_DIR: dirB });
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/a store exists at .*: pass --force/);
    expect(sha(storeB)).toBe(beforeSha);

    // Hub A is running on dirA (in this process): its store is in use.
    const running = await runCli(['restore', backupDir, '--force'], { DATA_DIR: dirA });
    expect(running.code).toBe(1);
    expect(running.err).toMatch(/is in use by a running hub/);

    const forced = await runCli(['restore', backupDir, '--force'], { DATA_DIR: dirB });
    expect(forced.code).toBe(0);
    const aside = readdirSync(dirB).filter((f) => f.startsWith('before-restore-'));
    expect(aside).toHaveLength(1);
    expect(sha(join(dirB, aside[0]!, 'fengqiao.sqlite'))).toBe(beforeSha);
    expect(sha(storeB)).toBe(sha(join(backupDir, 'fengqiao.sqlite')));
  });

  it('points a PostgreSQL store to pg_dump and pg_restore', async () => {
    const env = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test', DATA_DIR: join(root, 'pg') };
    const backup = await runCli(['backup'], env);
    expect(backup.code).toBe(2);
    expect(backup.err).toContain('pg_dump -Fc');
    const restore = await runCli(['restore', backupDir], env);
    expect(restore.code).toBe(2);
    expect(restore.err).toContain('pg_restore');
    expect(existsSync(join(root, 'pg'))).toBe(false);
  });
});
