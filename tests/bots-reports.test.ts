import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportLinkOf, type MessageView, type ReportDocument, type ReportSourceMessage } from '@fengqiao/hub/protocol';
import {
  connectSocket,
  login,
  readJson,
  startTestHub,
  type TestHub,
  type TestSocket,
} from '@fengqiao/hub/test-support';
import { createReportApi } from '../bots/src/hub-api.ts';
import { connectBot, type BotSocket } from '../bots/src/hub-client.ts';
import { createReportBot, type ReportBot } from '../bots/src/report-bot.ts';
import { createExtractiveSummariser } from '../bots/src/summarise/index.ts';

const quiet = { info: () => {}, warn: () => {} };
let n = 0;
const cid = () => `bots-${Date.now()}-${++n}`;

/** Issues a bot token through the admin API, as an operator would. */
async function issueToken(t: TestHub): Promise<string> {
  const admin = await login(t.url, 'admin');
  const bot = await t.hub.store.db.selectFrom('users').select('id').where('role', '=', 'bot').executeTakeFirstOrThrow();
  const res = await fetch(`${t.url}/api/admin/bot-tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: t.url, cookie: admin.cookie },
    body: JSON.stringify({ botUserId: bot.id, name: `bot-${++n}` }),
  });
  return ((await res.json()) as { token: string }).token;
}

async function startBot(t: TestHub, token: string): Promise<ReportBot & { socket: BotSocket }> {
  const { me, socket } = await connectBot({ hubUrl: t.url, token });
  const bot = createReportBot({
    socket,
    api: createReportApi({ hubUrl: t.url, token }),
    summariser: createExtractiveSummariser(),
    botUserId: me.id,
    log: quiet,
  });
  await bot.start();
  return Object.assign(bot, { socket });
}

/** The next message in a group from someone other than `notFrom`. */
function nextFrom(socket: TestSocket, groupId: string, senderRole: string): Promise<MessageView> {
  return new Promise((resolve) => {
    const on = (m: MessageView) => {
      if (m.groupId !== groupId || m.sender.role !== senderRole) return;
      socket.off('message:created', on);
      resolve(m);
    };
    socket.on('message:created', on);
  });
}

describe('the report bot over real sockets', () => {
  let t: TestHub;
  let bot: ReportBot & { socket: BotSocket };
  let token: string;
  let stationId: string;
  let roomGroup: string;
  let dispatcher: TestSocket;
  let dispatcherCookie: string;
  let officer: TestSocket;
  /** Names said in the grid conversation: never a topic. */
  let names: string[] = [];
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    t = await startTestHub();
    const db = t.hub.store.db;
    const station = await db
      .selectFrom('units')
      .select(['id', 'path'])
      .where('kind', '=', 'station')
      .orderBy('sort')
      .executeTakeFirstOrThrow();
    stationId = station.id;
    const room = await db
      .selectFrom('units')
      .select('id')
      .where('parent_id', '=', station.id)
      .where('kind', '=', 'command_room')
      .executeTakeFirstOrThrow();
    roomGroup = (await db.selectFrom('groups').select('id').where('unit_id', '=', room.id).executeTakeFirstOrThrow())
      .id;
    const people = await db
      .selectFrom('users as u')
      .innerJoin('units as un', 'un.id', 'u.unit_id')
      .select(['u.id', 'u.login', 'u.role', 'un.path', 'un.kind'])
      .where('un.path', 'like', `${station.path}%`)
      .orderBy('u.id')
      .execute();
    const d = people.find((p) => p.role === 'dispatcher')!;
    const o = people.find((p) => p.role === 'officer')!;
    // An officer seated in the command room (not a dispatcher): may talk there, may not order reports.
    await db
      .insertInto('group_members')
      .values({
        group_id: roomGroup,
        user_id: o.id,
        status: 'active',
        read_seq: 0,
        joined_at: Date.now(),
        muted_until: null,
      })
      .execute();
    dispatcherCookie = (await login(t.url, d.login)).cookie;
    dispatcher = await connectSocket(t.url, { cookie: dispatcherCookie });
    officer = await connectSocket(t.url, { cookie: (await login(t.url, o.login)).cookie });
    sockets.push(dispatcher, officer);

    // Something to summarise: a resident and the grid worker talk in a grid group of this station.
    const gridUnit = people.find((p) => p.kind === 'grid' && p.role === 'resident')!;
    const worker = people.find((p) => p.kind === 'grid' && p.role === 'grid_worker' && p.path === gridUnit.path)!;
    const resident = await connectSocket(t.url, { cookie: (await login(t.url, gridUnit.login)).cookie });
    const gw = await connectSocket(t.url, { cookie: (await login(t.url, worker.login)).cookie });
    sockets.push(resident, gw);
    const grid = await db
      .selectFrom('groups as g')
      .innerJoin('units as u', 'u.id', 'g.unit_id')
      .select('g.id')
      .where('u.path', '=', gridUnit.path)
      .executeTakeFirstOrThrow();
    // People talk to and about each other by name: the grid worker (a member) and an officer of
    // another station (no member of the group, known only to the hub).
    const named = async (id: string) =>
      (await db.selectFrom('users').select('name').where('id', '=', id).executeTakeFirstOrThrow()).name;
    const far = await db
      .selectFrom('users as u')
      .innerJoin('units as un', 'un.id', 'u.unit_id')
      .select('u.name')
      .where('u.role', '=', 'officer')
      .where('un.path', 'not like', `${station.path}%`)
      .orderBy('u.id')
      .executeTakeFirstOrThrow();
    names = [await named(worker.id), far.name];
    const [wName, farName] = names as [string, string];
    const lines: [TestSocket, string][] = [
      [resident, '小区东门的路灯坏了一个星期，晚上回家很黑，老人容易摔倒。'],
      [gw, '收到，我已经联系物业，物业说明天上午派电工来修东门路灯。'],
      [resident, '另外三号楼下面有人乱停车，消防通道被堵住了。'],
      [gw, '消防通道堵塞的问题我会和社区民警一起去现场劝离车辆。'],
      [resident, '谢谢，路灯和停车的事情大家都很关心。'],
      [resident, `${wName}，${farName}上次说的停车的事怎么样了？`],
      [gw, `${farName}明天和我一起去看，${farName}那边有记录。`],
      [resident, `辛苦${wName}，${wName}和${farName}都很负责。`],
    ];
    for (const [s, text] of lines) {
      const r = await s.emitWithAck('message:send', { groupId: grid.id, clientId: cid(), text });
      if (!r.ok) throw new Error(r.error.message);
    }
    token = await issueToken(t);
    bot = await startBot(t, token);
  });
  afterAll(async () => {
    bot?.stop();
    for (const s of sockets) s.close();
    await t?.close();
  });

  it('answers /briefing from a dispatcher with the briefing, each summary sentence citing its messages', async () => {
    const answer = nextFrom(dispatcher, roomGroup, 'bot');
    const sent = await dispatcher.emitWithAck('message:send', {
      groupId: roomGroup,
      clientId: cid(),
      text: '/briefing',
    });
    if (!sent.ok) throw new Error(sent.error.message);
    const m = await answer;
    expect(m.replyToSeq).toBe(sent.message.seq);
    // A short digest (title, a few key figures), its last line the report page, not the whole report.
    const lines = m.text.split('\n');
    expect(lines[0]).toMatch(/^【早会简报】桃源派出所/);
    expect(lines[1]).toMatch(/^警情 \d+ 起/);
    expect(m.text).toContain('网格群 消息 8 条');
    expect(lines.length).toBeLessThanOrEqual(8);
    expect(m.text).not.toContain('■');
    await bot.idle();

    const list = await readJson(
      await fetch(`${t.url}/api/reports?unitId=${stationId}&kind=briefing`, { headers: { cookie: dispatcherCookie } }),
    );
    expect(list.reports).toHaveLength(1);
    const report = (
      await readJson(
        await fetch(`${t.url}/api/reports/${list.reports[0].id}`, { headers: { cookie: dispatcherCookie } }),
      )
    ).report as ReportDocument;
    expect(report.posted).toMatchObject({ groupId: roomGroup, seq: m.seq });
    expect(reportLinkOf(m.text)?.reportId).toBe(report.id);
    expect(report.summarised).toBe(true);
    expect(report.requestedBy?.id).toBe(sent.message.sender.id);
    expect(report.figures.groups.messages.current).toBe(8);
    // 热议话题: what was talked about, and nobody's name (the member's nor the far officer's).
    const topics = report.figures.groups.topics.map((x) => x.term);
    expect(topics).toContain('路灯');
    for (const name of names) expect(topics.filter((x) => x.includes(name))).toEqual([]);
    expect(report.sections.find((s) => s.key === 'groups')!.sentences.at(-1)!.text).toMatch(/^热议话题：/);
    const cited = report.sections.find((s) => s.key === 'conversations')!.sentences;
    expect(cited.length).toBeGreaterThan(0);
    for (const s of cited) expect(s.sources.length).toBeGreaterThan(0);
    const sources = (
      await readJson(
        await fetch(`${t.url}/api/reports/${report.id}/sources`, { headers: { cookie: dispatcherCookie } }),
      )
    ).messages as ReportSourceMessage[];
    expect(new Set(sources.map((x) => x.id))).toEqual(new Set(cited.flatMap((s) => s.sources)));
    expect(sources.every((x) => x.text.length > 0)).toBe(true);
  });

  it('refuses /briefing from a non-dispatch role with a reply, storing nothing', async () => {
    const before = await t.hub.store.db.selectFrom('reports').select('id').execute();
    const answer = nextFrom(officer, roomGroup, 'bot');
    const sent = await officer.emitWithAck('message:send', {
      groupId: roomGroup,
      clientId: cid(),
      text: '/report daily',
    });
    if (!sent.ok) throw new Error(sent.error.message);
    const m = await answer;
    expect(m.replyToSeq).toBe(sent.message.seq);
    expect(m.text).toContain('没有生成报告的权限');
    await bot.idle();
    expect(await t.hub.store.db.selectFrom('reports').select('id').execute()).toHaveLength(before.length);
  });

  it('answers an unknown kind and a bare /report with what is available', async () => {
    const unknown = nextFrom(dispatcher, roomGroup, 'bot');
    await dispatcher.emitWithAck('message:send', { groupId: roomGroup, clientId: cid(), text: '/report yearly' });
    expect((await unknown).text).toMatch(/^未知的报告类型「yearly」。可用命令：\/briefing/);
    const bare = nextFrom(dispatcher, roomGroup, 'bot');
    await dispatcher.emitWithAck('message:send', { groupId: roomGroup, clientId: cid(), text: '/report' });
    expect((await bare).text).toMatch(/^可用命令/);
  });

  it("answers /report daily with yesterday's daily report", async () => {
    const answer = nextFrom(dispatcher, roomGroup, 'bot');
    await dispatcher.emitWithAck('message:send', { groupId: roomGroup, clientId: cid(), text: '/report daily' });
    expect((await answer).text).toMatch(/^【日报】桃源派出所/);
  });

  it('answers a /briefing typed while it was disconnected, once it is back', async () => {
    const gone = new Promise((r) => bot.socket.once('disconnect', r));
    bot.socket.disconnect();
    await gone;
    const sent = await dispatcher.emitWithAck('message:send', {
      groupId: roomGroup,
      clientId: cid(),
      text: '/report weekly',
    });
    if (!sent.ok) throw new Error(sent.error.message);
    const answer = nextFrom(dispatcher, roomGroup, 'bot');
    bot.socket.connect();
    const m = await answer;
    expect(m.replyToSeq).toBe(sent.message.seq);
    expect(m.text).toMatch(/^【周报】/);
    await bot.idle();
  });

  it('keeps residents away from reports over REST', async () => {
    const resident = await t.hub.store.db
      .selectFrom('users')
      .select('login')
      .where('role', '=', 'resident')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const cookie = (await login(t.url, resident.login)).cookie;
    const post = await fetch(`${t.url}/api/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: t.url, cookie },
      body: JSON.stringify({ kind: 'briefing', unitId: stationId }),
    });
    expect(post.status).toBe(403);
    expect((await readJson(post)).error.code).toBe('forbidden');
    expect((await fetch(`${t.url}/api/reports`, { headers: { cookie } })).status).toBe(403);
  });

  it('refuses bad REST input with clear errors', async () => {
    const post = (body: unknown) =>
      fetch(`${t.url}/api/reports`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: t.url, cookie: dispatcherCookie },
        body: JSON.stringify(body),
      });
    const bad = [
      { kind: 'yearly', unitId: stationId },
      { kind: 'daily' },
      { kind: 'daily', unitId: stationId, period: '2999-01-01' },
      { kind: 'daily', unitId: stationId, period: 'tomorrow' },
      { kind: 'daily', unitId: stationId, extra: 1 },
    ];
    for (const body of bad) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect((await readJson(res)).error.code).toBe('validation_failed');
    }
    const res = await fetch(`${t.url}/api/reports/no-such-report`, { headers: { cookie: dispatcherCookie } });
    expect(res.status).toBe(404);
    // A language the hub does not word reports in; 重新生成 of nothing, and by a bot.
    const [stored] = await t.hub.store.db.selectFrom('reports').select('id').execute();
    const lang = await fetch(`${t.url}/api/reports/${stored!.id}?lang=fr`, { headers: { cookie: dispatcherCookie } });
    expect(lang.status).toBe(400);
    const regenerate = (id: string, headers: Record<string, string>) =>
      fetch(`${t.url}/api/reports/${id}/regenerate`, { method: 'POST', headers: { origin: t.url, ...headers } });
    expect((await regenerate('no-such-report', { cookie: dispatcherCookie })).status).toBe(404);
    const byBot = await regenerate(stored!.id, { authorization: `Bearer ${token}` });
    expect(byBot.status).toBe(403);
    expect((await readJson(byBot)).error.code).toBe('forbidden');
  });

  it('summarises a report a person asked for on the web (the bot hears report:created)', async () => {
    const res = await fetch(`${t.url}/api/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: t.url, cookie: dispatcherCookie },
      body: JSON.stringify({ kind: 'monthly', unitId: stationId }),
    });
    expect(res.status).toBe(201);
    const { report } = (await readJson(res)) as { report: ReportDocument };
    expect(report.summarised).toBe(false);
    for (let i = 0; i < 100; i++) {
      await bot.idle();
      const again = (
        await readJson(await fetch(`${t.url}/api/reports/${report.id}`, { headers: { cookie: dispatcherCookie } }))
      ).report as ReportDocument;
      if (again.summarised) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the bot never summarised the report');
  });
});

describe('the schedule: missed reports caught up once, two bots never post twice', () => {
  let t: TestHub;
  let bots: ReportBot[] = [];
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => {
    for (const b of bots) b.stop();
    await t?.close();
  });

  const postedCounts = async () => {
    const rows = await t.hub.store.db
      .selectFrom('messages as m')
      .innerJoin('users as u', 'u.id', 'm.sender_id')
      .select('m.client_id')
      .where('u.role', '=', 'bot')
      .where('m.client_id', 'like', 'report-%-0')
      .execute();
    return rows.map((r) => r.client_id);
  };

  it('two bot instances racing on the due list post each report exactly once', async () => {
    bots = [await startBot(t, await issueToken(t)), await startBot(t, await issueToken(t))];
    const due = await createReportApi({ hubUrl: t.url, token: await issueToken(t) }).due();
    const wanted = due.filter((d) => d.groupId);
    // 3 stations × (briefing, daily, weekly, monthly) + 2 branches × (daily, weekly, monthly)
    expect(wanted).toHaveLength(18);
    const [a, b] = await Promise.all(bots.map((x) => x.runSchedule()));
    expect(a!.posted + b!.posted).toBe(18);
    const posted = await postedCounts();
    expect(posted).toHaveLength(18);
    expect(new Set(posted).size).toBe(18);
    const reports = await t.hub.store.db
      .selectFrom('reports')
      .select(['unit_id', 'kind', 'period_start', 'posted_group_id'])
      .execute();
    expect(reports).toHaveLength(18);
    expect(reports.every((r) => r.posted_group_id !== null)).toBe(true);
  });

  it('a bot restarted after the time produces nothing twice', async () => {
    for (const b of bots) b.stop();
    bots = [await startBot(t, await issueToken(t))];
    expect(await bots[0]!.runSchedule()).toEqual({ posted: 0 });
    expect(await postedCounts()).toHaveLength(18);
    const due = await createReportApi({ hubUrl: t.url, token: await issueToken(t) }).due();
    expect(due.every((d) => d.posted)).toBe(true);
  });

  it('a bot that was down when a report was due but stored (built, never posted) posts it once on return', async () => {
    const db = t.hub.store.db;
    // The daily report of one station was built but its post never happened (the bot died mid-way, lease long gone).
    const r = await db
      .selectFrom('reports')
      .select(['id'])
      .where('kind', '=', 'daily')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    await db
      .updateTable('reports')
      .set({ posted_at: null, posted_group_id: null, posted_seq: null, post_claimed_at: Date.now() - 10 * 60_000 })
      .where('id', '=', r.id)
      .execute();
    await db.deleteFrom('messages').where('client_id', 'like', `report-${r.id}-%`).execute();
    const res = await bots[0]!.runSchedule();
    expect(res.posted).toBe(1);
    expect(await bots[0]!.runSchedule()).toEqual({ posted: 0 });
    expect(
      await db.selectFrom('messages').select('id').where('client_id', '=', `report-${r.id}-0`).execute(),
    ).toHaveLength(1);
  });

  it("waits out another bot's fresh claim rather than posting beside it", async () => {
    const db = t.hub.store.db;
    const r = await db
      .selectFrom('reports')
      .select(['id'])
      .where('kind', '=', 'weekly')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    await db
      .updateTable('reports')
      .set({ posted_at: null, posted_group_id: null, posted_seq: null, post_claimed_at: Date.now() })
      .where('id', '=', r.id)
      .execute();
    expect(await bots[0]!.runSchedule()).toEqual({ posted: 0 });
  });

  it('two bots seeing the same /briefing answer it once', async () => {
    bots.push(await startBot(t, await issueToken(t)));
    const db = t.hub.store.db;
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
      const answer = nextFrom(s, groupId, 'bot');
      const sent = await s.emitWithAck('message:send', { groupId, clientId: cid(), text: '/briefing' });
      if (!sent.ok) throw new Error(sent.error.message);
      await answer;
      await Promise.all(bots.map((b) => b.idle()));
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
  });
});
