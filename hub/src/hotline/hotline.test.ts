import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HotlineThreadView, MessageView } from '../protocol/index.ts';
import { connectSocket, login, nextEvent, readJson, storeDialects, type TestSocket } from '../../test-support/index.ts';
import { cid, eventWhere, startHotlineFixture, type HotlineFixture } from '../../test-support/hotline-fixture.ts';

/** The hotline's flow over real sockets: write, answer live, catch up, hand off, resolve, rate, reopen, the desk's tools. */
for (const dialect of await storeDialects()) {
  describe.skipIf(!dialect.available)(`station-head hotline on ${dialect.name}`, () => {
    let f: HotlineFixture;
    let drop: () => Promise<void>;
    let t: HotlineFixture['t'];
    let stationCode: string;
    let headLogin: string;
    let officerId: string;
    let residentA: HotlineFixture['residentA'];
    let residentB: HotlineFixture['residentB'];
    let startedAt: number;
    const open = (l: string, capture = false) => f.open(l, capture);
    const api = (l: string, method: string, path: string, body?: unknown) => f.api(l, method, path, body);
    const counts = () => f.counts();

    beforeAll(async () => {
      const target = await dialect.databaseUrl();
      drop = target.drop;
      f = await startHotlineFixture({ databaseUrl: target.url });
      ({ t, headLogin, officerId, residentA, residentB, startedAt } = f);
      stationCode = f.station.code;
    });
    afterAll(async () => {
      await f?.close();
      await drop?.();
    });

    let thread: HotlineThreadView;
    let head: TestSocket;
    let resident: TestSocket;

    it("shows a station's landing publicly: its head, initials and promised response time; an unknown code is not_found", async () => {
      const res = await fetch(`${t.url}/api/hotline/stations/${stationCode}`);
      const body = await readJson(res);
      expect(body).toMatchObject({ ok: true, station: { code: stationCode }, responseTargetMinutes: 60 });
      expect(body.head.initials).toHaveLength(1);
      const missing = await fetch(`${t.url}/api/hotline/stations/NO-SUCH`);
      expect(missing.status).toBe(404);
      expect(await readJson(missing)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    });

    it("a resident who signs up from the station's link writes to its head at once, before the grid group lets them in", async () => {
      const options = await readJson(await fetch(`${t.url}/api/register/stations/${stationCode}`));
      const gridId = options.communities[0].grids[0].id as string;
      const phone = `137${String(Date.now()).slice(-8)}`;
      const res = await fetch(`${t.url}/api/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: t.url },
        body: JSON.stringify({ phone, name: '韩雪', password: 'mima-2026-hotline', stationCode, gridId }),
      });
      // Sign-up answers alike for new and known numbers (202, no cookie); the resident then signs in.
      expect(res.status).toBe(202);
      const { cookie } = await login(t.url, phone, 'mima-2026-hotline');
      const s = await connectSocket(t.url, { cookie });
      try {
        const h = await open(headLogin);
        const arrived = eventWhere<{ thread: HotlineThreadView; change: string }>(
          h,
          'hotline:thread-changed',
          (c) => c.change === 'created',
        );
        const created = await s.emitWithAck('hotline:create', {
          clientId: cid(),
          category: 'consultation',
          text: '刚搬来桃源社区，请问怎么申报居住登记？',
        });
        if (!created.ok) throw new Error(created.error.message);
        expect(created.thread.station.code).toBe(stationCode);
        const got = await arrived;
        expect(got.thread.id).toBe(created.thread.id);
        expect(got.thread.staff?.residentPhone).toBe(phone);
        expect(created.thread.resident.phone).toBe(`${phone.slice(0, 3)}****${phone.slice(-4)}`);
      } finally {
        s.close();
      }
    });

    it("seeds demo threads so the head's inbox is not empty on first start", async () => {
      const h = await open(headLogin);
      const inbox = await h.emitWithAck('hotline:inbox', {});
      if (!inbox.ok) throw new Error(inbox.error.message);
      expect(new Set(inbox.threads.map((x) => x.status))).toEqual(
        new Set(['open', 'in_progress', 'handed_off', 'resolved']),
      );
      expect(inbox.threads.some((x) => x.staff?.overdue)).toBe(true);
      expect(inbox.threads.find((x) => x.status === 'resolved')?.rating?.score).toBe(5);
      const history = await h.emitWithAck('hotline:history', {
        threadId: inbox.threads.find((x) => x.status === 'in_progress')!.id,
      });
      expect(history.ok && history.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
      const canned = await h.emitWithAck('hotline:canned', {});
      expect(canned.ok && canned.replies.map((r) => r.title)).toContain('已受理');
    });

    it("a resident writes to the head; the head's inbox gets the thread and its message live, with the due time", async () => {
      head = await open(headLogin);
      resident = await open(residentA.login, true);
      const arrived = nextEvent<{ thread: HotlineThreadView; change: string }>(head, 'hotline:thread-changed');
      const live = nextEvent<MessageView>(head, 'hotline:message-created');
      const res = await resident.emitWithAck('hotline:create', {
        clientId: cid(),
        category: 'help',
        text: '楼下烧烤摊每晚油烟扰民，已经持续一个月，希望派出所协调处理。',
        place: '桃源社区3号楼',
      });
      if (!res.ok) throw new Error(res.error.message);
      thread = res.thread;
      expect(thread).toMatchObject({ status: 'open', category: 'help', staff: null, lastSeq: 1 });
      expect(thread.resident.phone).toMatch(/^\d{3}\*{4}\d{4}$/);
      expect(thread.dueAt - thread.createdAt).toBe(60 * 60_000);
      const pushed = await arrived;
      expect(pushed.change).toBe('created');
      expect(pushed.thread.staff?.residentPhone).toBe(residentA.phone);
      expect(pushed.thread.staff?.suggestedAssignee?.id).toBe(officerId);
      expect((await live).text).toContain('油烟扰民');
      const inbox = await head.emitWithAck('hotline:inbox', { filter: 'unanswered' });
      expect(inbox.ok && inbox.threads.map((x) => x.id)).toContain(thread.id);
    });

    it('a retried create returns the first thread and stores nothing new', async () => {
      const clientId = cid();
      const first = await resident.emitWithAck('hotline:create', {
        clientId,
        category: 'consultation',
        text: '请问居住证办理需要哪些材料？',
      });
      const before = await counts();
      const again = await resident.emitWithAck('hotline:create', {
        clientId,
        category: 'consultation',
        text: '请问居住证办理需要哪些材料？',
      });
      expect(first.ok && again.ok && again.duplicate && again.thread.id === first.thread.id).toBe(true);
      expect(await counts()).toEqual(before);
    });

    it('a staff reply reaches the resident live and stamps the first answer; staff reading shows as read', async () => {
      const reply = nextEvent<MessageView>(resident, 'hotline:message-created');
      const res = await head.emitWithAck('hotline:send', {
        threadId: thread.id,
        clientId: cid(),
        text: '您好，已安排社区民警今晚到现场核实。',
      });
      expect(res.ok).toBe(true);
      expect((await reply).text).toContain('社区民警');
      const view = await resident.emitWithAck('hotline:thread', { threadId: thread.id });
      expect(
        view.ok &&
          view.thread.status === 'in_progress' &&
          view.thread.firstAnsweredAt !== null &&
          view.thread.staffReadSeq === 2,
      ).toBe(true);
    });

    it('a resident offline during the reply finds it on return through cursor sync', async () => {
      resident.close();
      await head.emitWithAck('hotline:send', {
        threadId: thread.id,
        clientId: cid(),
        text: '民警已到现场，摊主同意加装油烟净化器。',
      });
      resident = await open(residentA.login, true);
      const sync = await resident.emitWithAck('hotline:sync', { cursors: { [thread.id]: 2 } });
      expect(sync.ok && sync.messages.map((m) => m.seq)).toEqual([3]);
      expect(sync.ok && sync.messages[0]!.text).toContain('油烟净化器');
    });

    it('a hand-off records the department and tells the resident, live and in the thread', async () => {
      const told = eventWhere<{ thread: HotlineThreadView; change: string }>(
        resident,
        'hotline:thread-changed',
        (c) => c.change === 'handed_off',
      );
      const msg = nextEvent<MessageView>(resident, 'hotline:message-created');
      const res = await head.emitWithAck('hotline:hand-off', {
        threadId: thread.id,
        clientId: cid(),
        department: '区城市管理局',
        reason: '占道经营油烟问题属城管职责，已转交并跟踪。',
      });
      expect(res.ok && res.thread.status).toBe('handed_off');
      expect((await msg).text).toContain('区城市管理局');
      const pushed = await told;
      expect(pushed.thread.handoff).toMatchObject({ department: '区城市管理局' });
      expect(pushed.thread.staff).toBeNull();
      const row = await t.hub.store.db
        .selectFrom('hotline_threads')
        .select(['handoff_department', 'status'])
        .where('id', '=', thread.id)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ handoff_department: '区城市管理局', status: 'handed_off' });
    });

    it("a rating is taken once, only from the thread's resident, only once resolved; a resolved thread can be reopened", async () => {
      const early = await resident.emitWithAck('hotline:rate', { threadId: thread.id, score: 5 });
      expect(early).toMatchObject({ ok: false, error: { code: 'conflict' } });
      const resolved = await head.emitWithAck('hotline:resolve', {
        threadId: thread.id,
        clientId: cid(),
        summary: '城管已责令摊主加装净化设备，油烟问题已解决。',
      });
      expect(resolved.ok && resolved.thread.status).toBe('resolved');
      const byStaff = await head.emitWithAck('hotline:rate', { threadId: thread.id, score: 5 });
      expect(byStaff).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      const badScore = await resident.emitWithAck('hotline:rate', { threadId: thread.id, score: 6 });
      expect(badScore).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
      const rated = await resident.emitWithAck('hotline:rate', { threadId: thread.id, score: 4, comment: '处理及时' });
      expect(rated.ok && rated.thread.rating).toMatchObject({ score: 4, comment: '处理及时' });
      const twice = await resident.emitWithAck('hotline:rate', { threadId: thread.id, score: 1 });
      expect(twice).toMatchObject({ ok: false, error: { code: 'conflict' } });
      const row = await t.hub.store.db
        .selectFrom('hotline_threads')
        .select(['rating_score'])
        .where('id', '=', thread.id)
        .executeTakeFirstOrThrow();
      expect(row.rating_score).toBe(4);
      const reopened = await resident.emitWithAck('hotline:reopen', {
        threadId: thread.id,
        clientId: cid(),
        reason: '晚上又开始冒烟了',
      });
      expect(reopened.ok && reopened.thread.status).toBe('in_progress');
    });

    it('assigns to an officer of the station only; the officer then sees the thread and may answer', async () => {
      const outsider = await t.hub.store.db
        .selectFrom('users')
        .select('id')
        .where('role', '=', 'officer')
        .where('id', '!=', officerId)
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      const wrong = await head.emitWithAck('hotline:assign', { threadId: thread.id, assigneeId: outsider.id });
      expect(wrong).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
      const res = await head.emitWithAck('hotline:assign', { threadId: thread.id, assigneeId: officerId });
      expect(res.ok && res.thread.handler?.id).toBe(officerId);
      const officerLogin = (
        await t.hub.store.db.selectFrom('users').select('login').where('id', '=', officerId).executeTakeFirstOrThrow()
      ).login;
      const officer = await open(officerLogin);
      const mine = await officer.emitWithAck('hotline:inbox', { filter: 'mine' });
      expect(mine.ok && mine.threads.map((x) => x.id)).toEqual([thread.id]);
      // An assignee answers the thread but does not work the desk: the client hides 指派 for them.
      expect(mine.ok && mine.deskStationIds).toEqual([]);
      const desk = await head.emitWithAck('hotline:inbox', {});
      expect(desk.ok && desk.deskStationIds).toEqual([thread.station.id]);
      const staff = await head.emitWithAck('hotline:staff', { threadId: thread.id });
      expect(staff.ok && staff.staff[0]).toMatchObject({ id: officerId, suggested: true });
    });

    it('the head delegates the desk to an officer, whose open socket then receives new threads live; residents cannot delegate', async () => {
      const db = t.hub.store.db;
      const station = await db
        .selectFrom('units')
        .select(['id', 'path'])
        .where('code', '=', stationCode)
        .executeTakeFirstOrThrow();
      const squadOfficer = await db
        .selectFrom('users')
        .innerJoin('units', 'units.id', 'users.unit_id')
        .select(['users.id', 'users.login'])
        .where('users.role', '=', 'officer')
        .where('units.kind', '=', 'squad')
        .where('units.path', 'like', `${station.path}%`)
        .orderBy('users.id')
        .executeTakeFirstOrThrow();
      const desk = await open(squadOfficer.login);
      const before = await desk.emitWithAck('hotline:inbox', { filter: 'unanswered' });
      expect(before).toMatchObject({ ok: true, threads: [] });
      const denied = await resident.emitWithAck('hotline:delegate', { userId: squadOfficer.id, enabled: true });
      expect(denied).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      const res = await head.emitWithAck('hotline:delegate', { userId: squadOfficer.id, enabled: true });
      expect(res.ok && res.delegates.map((d) => d.id)).toEqual([squadOfficer.id]);
      await desk.emitWithAck('system:ping', {});
      const arrived = eventWhere<{ thread: HotlineThreadView; change: string }>(
        desk,
        'hotline:thread-changed',
        (c) => c.change === 'created',
      );
      const created = await resident.emitWithAck('hotline:create', {
        clientId: cid(),
        category: 'suggestion',
        text: '建议在社区公告栏张贴防诈骗宣传资料。',
      });
      expect(created.ok && (await arrived).thread.id).toBe(created.ok && created.thread.id);
      const after = await desk.emitWithAck('hotline:inbox', { filter: 'unanswered' });
      expect(after.ok && after.threads.length).toBeGreaterThan(0);
    });

    it('keeps canned replies per station for the desk, not for residents', async () => {
      const saved = await head.emitWithAck('hotline:canned-save', {
        title: '已受理',
        text: '您好，您反映的问题已受理，我们会尽快处理并回复。',
      });
      expect(saved.ok).toBe(true);
      const list = await head.emitWithAck('hotline:canned', {});
      expect(list.ok && list.replies.map((r) => r.title)).toContain('已受理');
      const denied = await resident.emitWithAck('hotline:canned', {});
      expect(denied).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    });

    it("carries images through the group image pipeline, to the thread's participants only", async () => {
      const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#c00' } })
        .png()
        .toBuffer();
      const { cookie } = await login(t.url, residentA.login);
      const up = await fetch(`${t.url}/api/groups/${thread.id}/images`, {
        method: 'POST',
        headers: { cookie, origin: t.url, 'content-type': 'image/png' },
        body: png,
      });
      expect(up.status).toBe(201);
      const image = (await readJson(up)).image;
      const sent = await resident.emitWithAck('hotline:send', {
        threadId: thread.id,
        clientId: cid(),
        text: '',
        imageId: image.id,
      });
      expect(sent.ok && sent.message.image?.id).toBe(image.id);
      const other = await login(t.url, residentB.login);
      expect((await fetch(`${t.url}/api/images/${image.id}`, { headers: { cookie: other.cookie } })).status).toBe(404);
      await head.emitWithAck('hotline:history', { threadId: thread.id });
      const headCookie = (await login(t.url, headLogin)).cookie;
      expect((await fetch(`${t.url}/api/images/${image.id}`, { headers: { cookie: headCookie } })).status).toBe(200);
    });

    it('reports figures: counts by category, answered share, time to first answer, satisfaction', async () => {
      const station = await t.hub.store.db
        .selectFrom('units')
        .select('id')
        .where('code', '=', stationCode)
        .executeTakeFirstOrThrow();
      const res = await api(
        headLogin,
        'GET',
        `/hotline/figures?stationIds=${station.id}&from=${startedAt}&to=${Date.now() + 1000}`,
      );
      expect(res.status).toBe(200);
      const f = res.body.figures;
      expect(f.total).toBe(4);
      expect(f.byCategory).toMatchObject({ help: 1, consultation: 2, suggestion: 1 });
      expect(f.answered).toBe(1);
      expect(f.answeredShare).toBeCloseTo(1 / 4);
      expect(f.timeToFirstAnswer.count).toBe(1);
      expect(f.satisfaction).toMatchObject({ ratings: 1, average: 4, distribution: [0, 0, 0, 1, 0] });
      expect((await api(residentA.login, 'GET', `/hotline/figures?stationIds=${station.id}&from=0&to=1`)).status).toBe(
        403,
      );
    });

    it("staff reading the resident's message shows the resident it was read (已读), live", async () => {
      const sent = await resident.emitWithAck('hotline:send', {
        threadId: thread.id,
        clientId: cid(),
        text: '今晚八点后油烟又大了。',
      });
      if (!sent.ok) throw new Error(sent.error.message);
      const told = eventWhere<{ thread: HotlineThreadView; change: string }>(
        resident,
        'hotline:thread-changed',
        (c) => c.change === 'read',
      );
      const read = await head.emitWithAck('hotline:read', { threadId: thread.id, seq: sent.message.seq });
      expect(read).toMatchObject({ ok: true, readSeq: sent.message.seq });
      const got = await told;
      expect(got.thread.staffReadSeq).toBe(sent.message.seq);
      expect(got.thread.staffReadAt).not.toBeNull();
      expect(got.thread.staff).toBeNull();
    });

    it('a retried reply, note, resolve or create returns the first outcome and stores nothing twice', async () => {
      const created = await resident.emitWithAck('hotline:create', {
        clientId: cid(),
        category: 'consultation',
        text: '请问临时身份证多久能办好？',
      });
      if (!created.ok) throw new Error(created.error.message);
      const id = created.thread.id;
      const reply = { threadId: id, clientId: cid(), text: '一般当场即可办理，请带户口本。' };
      const r1 = await head.emitWithAck('hotline:send', reply);
      const r2 = await head.emitWithAck('hotline:send', reply);
      expect(r1.ok && r2.ok && r2.duplicate && r2.message.id === r1.message.id).toBe(true);
      const note = { threadId: id, clientId: cid(), text: '已电话联系' };
      const n1 = await head.emitWithAck('hotline:note', note);
      const n2 = await head.emitWithAck('hotline:note', note);
      expect(n1.ok && n2.ok && n2.duplicate && n2.note.id === n1.note.id).toBe(true);
      const resolve = { threadId: id, clientId: cid(), summary: '已告知办理流程。' };
      const s1 = await head.emitWithAck('hotline:resolve', resolve);
      const s2 = await head.emitWithAck('hotline:resolve', resolve);
      expect(s1.ok && s2.ok && s2.message.id === s1.message.id && s2.thread.status === 'resolved').toBe(true);
      const db = t.hub.store.db;
      expect((await db.selectFrom('messages').select('seq').where('group_id', '=', id).execute()).length).toBe(3);
      expect((await db.selectFrom('hotline_notes').select('id').where('thread_id', '=', id).execute()).length).toBe(1);
      const late = await resident.emitWithAck('hotline:send', { threadId: id, clientId: cid(), text: '再问一句' });
      expect(late).toMatchObject({ ok: false, error: { code: 'conflict' } });
      // Reopening is for seven days after resolution only.
      await db
        .updateTable('hotline_threads')
        .set({ resolved_at: Date.now() - 8 * 24 * 3600_000 })
        .where('id', '=', id)
        .execute();
      const tooLate = await resident.emitWithAck('hotline:reopen', {
        threadId: id,
        clientId: cid(),
        reason: '还有问题',
      });
      expect(tooLate).toMatchObject({ ok: false, error: { code: 'conflict' } });
      expect((await db.selectFrom('messages').select('seq').where('group_id', '=', id).execute()).length).toBe(3);
    });

    it('schedules a follow-up visit (回访) and records it done, for staff only', async () => {
      const at = Date.now() + 24 * 3600_000;
      const denied = await resident.emitWithAck('hotline:follow-up', {
        action: 'schedule',
        threadId: thread.id,
        at,
        note: '',
      });
      expect(denied).toMatchObject({ ok: false, error: { code: 'not_found' } });
      for (const absurd of [1000, Date.now() + 2 * 366 * 24 * 3600_000, Number.MAX_SAFE_INTEGER]) {
        const refused = await head.emitWithAck('hotline:follow-up', {
          action: 'schedule',
          threadId: thread.id,
          at: absurd,
          note: '',
        });
        expect(refused).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
      }
      const untouched = await head.emitWithAck('hotline:thread', { threadId: thread.id });
      expect(untouched.ok && untouched.thread.staff?.followUp).toBeNull();
      const planned = await head.emitWithAck('hotline:follow-up', {
        action: 'schedule',
        threadId: thread.id,
        at,
        note: '明晚回访确认油烟情况',
      });
      expect(planned.ok && planned.thread.staff?.followUp).toMatchObject({
        at,
        note: '明晚回访确认油烟情况',
        doneAt: null,
      });
      const done = await head.emitWithAck('hotline:follow-up', {
        action: 'done',
        threadId: thread.id,
        note: '已回访，住户满意',
      });
      expect(done.ok && done.thread.staff?.followUp?.doneAt).not.toBeNull();
      const mine = await resident.emitWithAck('hotline:thread', { threadId: thread.id });
      expect(mine.ok && mine.thread.staff).toBeNull();
    });

    it('reassigning closes the thread to the previous assignee, images included', async () => {
      const db = t.hub.store.db;
      const officerLogin = (
        await db.selectFrom('users').select('login').where('id', '=', officerId).executeTakeFirstOrThrow()
      ).login;
      const image = await db
        .selectFrom('images')
        .select('id')
        .where('group_id', '=', thread.id)
        .executeTakeFirstOrThrow();
      const officerCookie = (await login(t.url, officerLogin)).cookie;
      await api(officerLogin, 'GET', `/hotline/threads/${thread.id}/messages`);
      expect((await fetch(`${t.url}/api/images/${image.id}`, { headers: { cookie: officerCookie } })).status).toBe(200);
      const station = await db
        .selectFrom('units')
        .select(['id', 'path'])
        .where('code', '=', stationCode)
        .executeTakeFirstOrThrow();
      const next = await db
        .selectFrom('users')
        .innerJoin('units', 'units.id', 'users.unit_id')
        .select('users.id')
        .where('users.role', '=', 'auxiliary')
        .where('units.path', 'like', `${station.path}%`)
        .orderBy('users.id')
        .executeTakeFirstOrThrow();
      const res = await head.emitWithAck('hotline:assign', { threadId: thread.id, assigneeId: next.id });
      expect(res.ok && res.thread.handler?.id).toBe(next.id);
      expect((await api(officerLogin, 'GET', `/hotline/threads/${thread.id}`)).status).toBe(404);
      expect((await fetch(`${t.url}/api/images/${image.id}`, { headers: { cookie: officerCookie } })).status).toBe(404);
    });
  });
}
