import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '@fengqiao/hub/protocol';
import { connectSocket, login, startTestHub, type TestHub } from '@fengqiao/hub/test-support';

const botsDir = fileURLToPath(new URL('../bots/', import.meta.url));

/** Starts `bots/src/main.ts` as its own process, the way `pnpm start` does. */
function startBotProcess(
  hubUrl: string,
  tokenFile: string,
): { child: ChildProcess; exited: Promise<number | null>; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: botsDir,
    env: { ...process.env, HUB_URL: hubUrl, BOT_TOKEN: '', BOT_TOKEN_FILE: tokenFile, REPORT_SCHEDULE_SECONDS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return { child, exited: new Promise((r) => child.once('exit', (code) => r(code))), output: () => out };
}

describe('two report bot processes beside a demo hub', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fq-bots-'));
  let t: TestHub;
  const procs: ReturnType<typeof startBotProcess>[] = [];

  beforeAll(async () => {
    t = await startTestHub({ dataDir });
  });
  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sign in with the token the demo hub wrote, catch up on every due report once between them, and answer /briefing once', async () => {
    const tokenFile = join(dataDir, 'bot-token');
    expect(existsSync(tokenFile)).toBe(true);
    expect(statSync(tokenFile).mode & 0o077).toBe(0);
    procs.push(startBotProcess(t.url, tokenFile), startBotProcess(t.url, tokenFile));
    const db = t.hub.store.db;
    const postedReports = async () =>
      (await db.selectFrom('reports').select('id').where('posted_at', 'is not', null).execute()).length;
    // 3 stations × 4 kinds + 2 branches × 3 kinds, posted by whichever process claims each first.
    for (let i = 0; i < 600 && (await postedReports()) < 18; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await postedReports()).toBe(18);

    const station = await db
      .selectFrom('units')
      .select('id')
      .where('kind', '=', 'station')
      .orderBy('sort')
      .executeTakeFirstOrThrow();
    const room = await db
      .selectFrom('units')
      .select('id')
      .where('parent_id', '=', station.id)
      .where('kind', '=', 'command_room')
      .executeTakeFirstOrThrow();
    const groupId = (
      await db.selectFrom('groups').select('id').where('unit_id', '=', room.id).executeTakeFirstOrThrow()
    ).id;
    const d = await db
      .selectFrom('users')
      .select('login')
      .where('unit_id', '=', room.id)
      .where('role', '=', 'dispatcher')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const s = await connectSocket(t.url, { cookie: (await login(t.url, d.login)).cookie });
    try {
      const reply = new Promise<MessageView>((resolve) =>
        s.on('message:created', (m) => m.sender.role === 'bot' && m.groupId === groupId && resolve(m)),
      );
      const sent = await s.emitWithAck('message:send', { groupId, clientId: `proc-${Date.now()}`, text: '/briefing' });
      if (!sent.ok) throw new Error(sent.error.message);
      expect((await reply).text).toMatch(/^【早会简报】/);
      for (const p of procs) p.child.kill('SIGTERM');
      const codes = await Promise.all(procs.map((p) => p.exited));
      expect(codes).toEqual([0, 0]);
      const replies = await db
        .selectFrom('messages')
        .select('id')
        .where('group_id', '=', groupId)
        .where('reply_to_seq', '=', sent.message.seq)
        .execute();
      expect(replies).toHaveLength(1);
    } finally {
      s.close();
    }
    const firstParts = await db
      .selectFrom('messages as m')
      .innerJoin('users as u', 'u.id', 'm.sender_id')
      .select('m.client_id')
      .where('u.role', '=', 'bot')
      .where('m.client_id', 'like', 'report-%-0')
      .execute();
    expect(firstParts).toHaveLength(19);
    expect(new Set(firstParts.map((r) => r.client_id)).size).toBe(19);
    const logs = procs.map((p) => p.output()).join('\n');
    expect(logs.match(/report bot running/g)).toHaveLength(2);
  });
});
