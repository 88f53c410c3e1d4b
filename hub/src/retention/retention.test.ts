import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectSocket,
  login,
  readJson,
  startTestHub,
  storeDialects,
  type TestHub,
  type TestSocket,
} from '../../test-support/index.ts';
import { writeAudit } from '../audit/audit-log.ts';
import { createImageFiles } from '../conversations/image-files.ts';
import { createLogger } from '../logger.ts';
import { loadRetentionConfig } from '../retention-config.ts';
import { createRetentionSweep, type KindReport } from './retention-sweep.ts';

const DAY = 86_400_000;
const OLD = Date.now() - 400 * DAY;
let n = 0;
const cid = () => `ret-${Date.now()}-${++n}`;
const byKind = (r: KindReport[]) => Object.fromEntries(r.map((k) => [k.kind, k.count]));

/** The retention sweep on both stores: dry run, the run itself, nothing when unconfigured, sync after it. */
for (const dialect of await storeDialects()) {
  describe.skipIf(!dialect.available)(`retention on ${dialect.name}`, () => {
    let t: TestHub;
    let drop: () => Promise<void>;
    let s: TestSocket;
    let cookie: string;
    let groupId: string;
    const imageDir = mkdtempSync(join(tmpdir(), 'fq-ret-images-'));
    const seeded = { oldMessages: [] as string[], newMessages: [] as string[], oldImage: '', newImage: '' };
    let oldThread: string;
    let openThread: string;
    let baseline: Record<string, number>;

    beforeAll(async () => {
      const target = await dialect.databaseUrl();
      drop = target.drop;
      t = await startTestHub({
        databaseUrl: target.url,
        env: {
          IMAGE_DIR: imageDir,
          RETENTION_GROUP_MESSAGES_DAYS: '365',
          RETENTION_GROUP_IMAGES_DAYS: '365',
          RETENTION_HOTLINE_DAYS: '365',
          RETENTION_AUDIT_DAYS: '365',
        },
      });
      const db = t.hub.store.db;
      baseline = byKind(await t.hub.retention.report());
      const grid = await db
        .selectFrom('units')
        .select('id')
        .where('kind', '=', 'grid')
        .orderBy('sort')
        .executeTakeFirstOrThrow();
      groupId = (await db.selectFrom('groups').select('id').where('unit_id', '=', grid.id).executeTakeFirstOrThrow())
        .id;
      const member = await db
        .selectFrom('users')
        .select('login')
        .where('unit_id', '=', grid.id)
        .where('role', '=', 'resident')
        .orderBy('id')
        .executeTakeFirstOrThrow();
      cookie = (await login(t.url, member.login)).cookie;
      s = await connectSocket(t.url, { cookie });

      // Group history: the first three messages are backdated past the period, the last two are new.
      const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#884422' } })
        .png()
        .toBuffer();
      const upload = async () =>
        (
          await readJson(
            await fetch(`${t.url}/api/groups/${groupId}/images`, {
              method: 'POST',
              headers: { 'content-type': 'image/png', origin: t.url, cookie },
              body: png,
            }),
          )
        ).image.id as string;
      seeded.oldImage = await upload();
      seeded.newImage = await upload();
      for (let i = 0; i < 5; i++) {
        const imageId = i === 0 ? seeded.oldImage : i === 4 ? seeded.newImage : undefined;
        const sent = await s.emitWithAck('message:send', { groupId, clientId: cid(), text: `第${i}条`, imageId });
        if (!sent.ok) throw new Error(sent.error.message);
        (i < 3 ? seeded.oldMessages : seeded.newMessages).push(sent.message.id);
      }
      await db.updateTable('messages').set({ created_at: OLD }).where('id', 'in', seeded.oldMessages).execute();
      await db.updateTable('images').set({ created_at: OLD }).where('id', '=', seeded.oldImage).execute();

      // Hotline: one thread resolved long ago (with a note), one still open since long ago.
      const threads = await db
        .selectFrom('hotline_threads')
        .select(['id', 'resident_id'])
        .orderBy('id')
        .limit(2)
        .execute();
      oldThread = threads[0]!.id;
      openThread = threads[1]!.id;
      await db
        .updateTable('hotline_threads')
        .set({ status: 'resolved', resolved_at: OLD })
        .where('id', '=', oldThread)
        .execute();
      await db
        .updateTable('hotline_threads')
        .set({ status: 'open', resolved_at: null, created_at: OLD })
        .where('id', '=', openThread)
        .execute();
      await db
        .insertInto('hotline_notes')
        .values({
          id: `note-${Date.now()}`,
          thread_id: oldThread,
          author_id: threads[0]!.resident_id,
          client_id: cid(),
          text: '旧备注',
          created_at: OLD,
        })
        .execute();

      // Audit: two old entries, one new.
      await writeAudit(db, { actorId: null, action: 'test.old' }, OLD);
      await writeAudit(db, { actorId: null, action: 'test.old' }, OLD + DAY);
      await writeAudit(db, { actorId: null, action: 'test.new' });

      // An orphan image file two days old (a crash between file and row), and a fresh one.
      mkdirSync(join(imageDir, 'ZZ'), { recursive: true });
      writeFileSync(join(imageDir, 'ZZ', '01ORPHANOLDZZ'), 'x');
      utimesSync(join(imageDir, 'ZZ', '01ORPHANOLDZZ'), new Date(Date.now() - 2 * DAY), new Date(Date.now() - 2 * DAY));
      writeFileSync(join(imageDir, 'ZZ', '01ORPHANNEWZZ'), 'x');
    });
    afterAll(async () => {
      s?.close();
      await t?.close();
      await drop?.();
      rmSync(imageDir, { recursive: true, force: true });
    });

    const count = async (table: 'messages' | 'images' | 'audit_log' | 'hotline_threads' | 'hotline_notes' | 'groups') =>
      Number(
        (
          await t.hub.store.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    it('reports per kind what is due, with the oldest date, and deletes nothing', async () => {
      const before = await Promise.all([
        count('messages'),
        count('images'),
        count('audit_log'),
        count('hotline_threads'),
      ]);
      const report = await t.hub.retention.report();
      const due = byKind(report);
      expect(due.groupMessages).toBe(baseline.groupMessages! + 3);
      expect(due.groupImages).toBe(baseline.groupImages! + 1);
      expect(due.hotlineThreads).toBe(baseline.hotlineThreads! + 1);
      expect(due.auditEntries).toBe(baseline.auditEntries! + 2);
      expect(due.orphanFiles).toBe(1);
      expect(report.find((r) => r.kind === 'auditEntries')!.oldest).toBeLessThanOrEqual(OLD);
      expect(
        await Promise.all([count('messages'), count('images'), count('audit_log'), count('hotline_threads')]),
      ).toEqual(before);
      expect(existsSync(join(imageDir, 'ZZ', '01ORPHANOLDZZ'))).toBe(true);
    });

    it('deletes nothing of the records when no period is configured', async () => {
      const before = await Promise.all([
        count('messages'),
        count('images'),
        count('audit_log'),
        count('hotline_threads'),
      ]);
      const unconfigured = createRetentionSweep({
        db: t.hub.store.db,
        files: createImageFiles(join(imageDir, 'elsewhere')),
        config: loadRetentionConfig({}),
        timeZone: 'Asia/Shanghai',
        nodeId: 'test',
        log: createLogger('silent'),
      });
      const report = byKind(await unconfigured.report());
      expect(report).toMatchObject({ groupMessages: 0, groupImages: 0, hotlineThreads: 0, auditEntries: 0 });
      const run = await unconfigured.runNow();
      expect(run).toMatchObject({
        ran: true,
        counts: { groupMessages: 0, groupImages: 0, hotlineThreads: 0, auditEntries: 0 },
      });
      expect(
        await Promise.all([count('messages'), count('images'), count('audit_log'), count('hotline_threads')]),
      ).toEqual([
        before[0],
        before[1],
        before[2], // a run that deleted nothing leaves no audit entry (only its log line)
        before[3],
      ]);
    });

    it('deletes exactly the old records with their files, writes one audit entry, and leaves the new ones', async () => {
      const db = t.hub.store.db;
      const run = await t.hub.retention.runNow();
      expect(run).toMatchObject({
        ran: true,
        counts: {
          groupMessages: baseline.groupMessages! + 3,
          groupImages: baseline.groupImages! + 1,
          hotlineThreads: baseline.hotlineThreads! + 1,
          auditEntries: baseline.auditEntries! + 2,
          orphanFiles: 1,
        },
      });
      const left = await db
        .selectFrom('messages')
        .select('id')
        .where('id', 'in', [...seeded.oldMessages, ...seeded.newMessages])
        .execute();
      expect(left.map((r) => r.id).sort()).toEqual([...seeded.newMessages].sort());
      expect(
        await db.selectFrom('images').select('id').where('id', 'in', [seeded.oldImage, seeded.newImage]).execute(),
      ).toEqual([{ id: seeded.newImage }]);
      expect(existsSync(join(imageDir, seeded.oldImage.slice(-2), seeded.oldImage))).toBe(false);
      expect(existsSync(join(imageDir, seeded.newImage.slice(-2), seeded.newImage))).toBe(true);
      expect(existsSync(join(imageDir, 'ZZ', '01ORPHANOLDZZ'))).toBe(false);
      expect(existsSync(join(imageDir, 'ZZ', '01ORPHANNEWZZ'))).toBe(true);
      expect(
        await db.selectFrom('hotline_threads').select('id').where('id', 'in', [oldThread, openThread]).execute(),
      ).toEqual([{ id: openThread }]);
      expect(await db.selectFrom('hotline_notes').select('id').where('thread_id', '=', oldThread).execute()).toEqual(
        [],
      );
      expect(await db.selectFrom('groups').select('id').where('id', '=', oldThread).execute()).toEqual([]);
      expect(await db.selectFrom('messages').select('id').where('group_id', '=', oldThread).execute()).toEqual([]);
      const audit = await db
        .selectFrom('audit_log')
        .select(['action', 'detail'])
        .where('action', 'like', 'test.%')
        .execute();
      expect(audit.map((a) => a.action)).toEqual(['test.new']);
      const entry = await db
        .selectFrom('audit_log')
        .select('detail')
        .where('action', '=', 'retention.run')
        .where('target_id', '=', run.ran ? run.runId : '')
        .executeTakeFirstOrThrow();
      expect(JSON.parse(entry.detail!)).toMatchObject({ groupMessages: baseline.groupMessages! + 3 });
      // A second run finds nothing more.
      expect(byKind(await t.hub.retention.report())).toMatchObject({
        groupMessages: 0,
        groupImages: 0,
        hotlineThreads: 0,
        auditEntries: 0,
      });
    });

    it('answers a sync from below the swept history with its floor, and no gap', async () => {
      const db = t.hub.store.db;
      const group = await db
        .selectFrom('groups')
        .select('last_seq')
        .where('id', '=', groupId)
        .executeTakeFirstOrThrow();
      const fresh = await s.emitWithAck('group:sync', { cursors: { [groupId]: 0 } });
      if (!fresh.ok) throw new Error(fresh.error.message);
      const mine = fresh.messages.filter((m) => m.groupId === groupId);
      expect(fresh.floors?.[groupId]).toBe(mine[0]!.seq);
      expect(mine.map((m) => m.seq)).toEqual(Array.from({ length: mine.length }, (_, i) => mine[0]!.seq + i));
      expect(mine.at(-1)!.seq).toBe(group.last_seq);
      expect(mine.map((m) => m.id)).toEqual(seeded.newMessages);
      // The new message without its swept image stays; a cursor at the top gets no floor.
      const top = await s.emitWithAck('group:sync', { cursors: { [groupId]: group.last_seq } });
      expect(top).toMatchObject({ ok: true, messages: [] });
      expect(top.ok && top.floors).toBeFalsy();
      expect((await s.emitWithAck('group:history', { groupId })).ok).toBe(true);
    });
  });
}
