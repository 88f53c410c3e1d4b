/**
 * Reports in Chromium: a station dispatcher opens 报表, asks for a morning briefing, sees its
 * figures and charts, clicks a cited summary sentence and lands on the group messages it was
 * drawn from, and downloads the briefing as Markdown (the file's content is checked). The day
 * before is made of real traffic: incidents logged over REST, an order sent and acknowledged over
 * sockets, a resident and a grid worker talking in their grid group; the real report bot (token,
 * socket, extractive summariser) adds the cited summary sentences. Residents see no Reports link
 * and are sent home.
 * Needs the web build (`pnpm build`); skips without Chromium unless REQUIRE_SERVICES=1.
 */
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSuiteRuns, launchChromium, signInWithForm } from '../support/browser.ts';
import { reportDigestLines, type ReportDocument, type ReportLang } from '@fengqiao/hub/protocol';
import { connectSocket, login, startTestHub, type TestHub, type TestSocket } from '@fengqiao/hub/test-support';
import { createReportApi } from '../../bots/src/hub-api.ts';
import { connectBot } from '../../bots/src/hub-client.ts';
import { createReportBot, type ReportBot } from '../../bots/src/report-bot.ts';
import { createExtractiveSummariser } from '../../bots/src/summarise/index.ts';
import { screenshotWidths } from '../support/screenshots.ts';

const STEP_MS = 15_000;
const TEST_MS = 60_000;

let n = 0;
const cid = () => `reports-web-${Date.now()}-${++n}`;

const CHAT: [speaker: 'resident' | 'worker', text: string][] = [
  ['resident', '小区东门的路灯坏了一个星期，晚上回家很黑，老人容易摔倒。'],
  ['worker', '收到，我已经联系物业，物业说明天上午派电工来修东门路灯。'],
  ['resident', '另外三号楼下面有人乱停车，消防通道被堵住了。'],
  ['worker', '消防通道堵塞的问题我会和社区民警一起去现场劝离车辆。'],
];

/** The people of the first demo station the test needs, with their sockets where they act. */
interface Station {
  id: string;
  name: string;
  dispatcherLogin: string;
  dispatcherCookie: string;
  residentLogin: string;
  gridGroupId: string;
  gridGroupName: string;
}

/** A day of real traffic at the first demo station: incidents, an order with one 签收, a grid chat. */
async function seedDay(t: TestHub, sockets: TestSocket[]): Promise<Station> {
  const db = t.hub.store.db;
  const station = await db
    .selectFrom('units')
    .select(['id', 'name', 'path'])
    .where('kind', '=', 'station')
    .orderBy('sort')
    .executeTakeFirstOrThrow();
  const people = await db
    .selectFrom('users as u')
    .innerJoin('units as un', 'un.id', 'u.unit_id')
    .select(['u.id', 'u.login', 'u.role', 'un.kind', 'un.path'])
    .where('un.path', 'like', `${station.path}%`)
    .orderBy('u.id')
    .execute();
  const dispatcher = people.find((p) => p.role === 'dispatcher')!;
  const officers = people.filter((p) => p.role === 'officer').slice(0, 2);
  const resident = people.find((p) => p.role === 'resident' && p.kind === 'grid')!;
  const worker = people.find((p) => p.role === 'grid_worker' && p.path === resident.path)!;
  const dispatcherCookie = (await login(t.url, dispatcher.login)).cookie;

  const incidents: [string, string, string][] = [
    ['criminal', '桃源小区3号楼', '电动车被盗'],
    ['dispute', '长春路菜市场', '摊位纠纷'],
    ['public_order', '友好广场', '深夜噪音扰民'],
    ['public_order', '海港路口', '酒后滋事'],
  ];
  for (const [category, place, summary] of incidents) {
    const res = await fetch(`${t.url}/api/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: t.url, cookie: dispatcherCookie },
      body: JSON.stringify({ clientId: cid(), category, source: 'call_110', place, summary }),
    });
    expect(res.status).toBe(201);
  }

  const desk = await connectSocket(t.url, { cookie: dispatcherCookie });
  const first = await connectSocket(t.url, { cookie: (await login(t.url, officers[0]!.login)).cookie });
  sockets.push(desk, first);
  const sent = await desk.emitWithAck('order:create', {
    clientId: cid(),
    title: '核查桃源社区出租屋',
    body: '请于今日内核查辖区出租屋登记情况。',
    priority: 'urgent',
    targets: officers.map((o) => ({ kind: 'user' as const, userId: o.id })),
  });
  if (!sent.ok) throw new Error(sent.error.message);
  const acked = await first.emitWithAck('order:act', {
    action: 'acknowledge',
    orderId: sent.order.id,
    clientId: cid(),
  });
  if (!acked.ok) throw new Error(acked.error.message);

  const gridGroup = await db
    .selectFrom('groups as g')
    .innerJoin('units as u', 'u.id', 'g.unit_id')
    .select(['g.id', 'g.name'])
    .where('u.path', '=', resident.path)
    .where('g.kind', '=', 'grid')
    .executeTakeFirstOrThrow();
  const speakers = {
    resident: await connectSocket(t.url, { cookie: (await login(t.url, resident.login)).cookie }),
    worker: await connectSocket(t.url, { cookie: (await login(t.url, worker.login)).cookie }),
  };
  sockets.push(speakers.resident, speakers.worker);
  for (const [who, text] of CHAT) {
    const r = await speakers[who].emitWithAck('message:send', { groupId: gridGroup.id, clientId: cid(), text });
    if (!r.ok) throw new Error(r.error.message);
  }
  return {
    id: station.id,
    name: station.name,
    dispatcherLogin: dispatcher.login,
    dispatcherCookie,
    residentLogin: resident.login,
    gridGroupId: gridGroup.id,
    gridGroupName: gridGroup.name,
  };
}

/** A moment read on China's clock (UTC+8, no daylight saving), as the report screens must show it. */
function chinaTime(ms: number) {
  const d = new Date(ms + 8 * 3_600_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  const [y, m, day, hh, mm] = [
    d.getUTCFullYear(),
    d.getUTCMonth() + 1,
    d.getUTCDate(),
    pad(d.getUTCHours()),
    pad(d.getUTCMinutes()),
  ];
  return {
    date: `${y}-${pad(m)}-${pad(day)}`,
    hh,
    mm,
    short: `${m}月${day}日 ${hh}:${mm}`,
    long: `${y}年${m}月${day}日 ${hh}:${mm}`,
  };
}

/** A bot token issued through the admin API, as an operator would. */
async function botToken(t: TestHub): Promise<string> {
  const admin = await login(t.url, 'admin');
  const bot = await t.hub.store.db.selectFrom('users').select('id').where('role', '=', 'bot').executeTakeFirstOrThrow();
  const res = await fetch(`${t.url}/api/admin/bot-tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: t.url, cookie: admin.cookie },
    body: JSON.stringify({ botUserId: bot.id, name: 'web reports test' }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { token: string }).token;
}

(browserSuiteRuns() ? describe : describe.skip)('reports in Chromium', () => {
  let hub: TestHub;
  let browser: Browser | undefined;
  let station: Station;
  let desk: Page;
  let reportId: string;
  let cited: { text: string; ids: string[] };
  let bot: ReportBot | undefined;
  /** The bot's digest in the command room: the report it links to, the room and the message's seq. */
  let digest: { reportId: string; roomId: string; seq: number };
  let botApi: ReturnType<typeof createReportApi>;
  const sockets: TestSocket[] = [];

  const url = (path: string) => `${hub.url}${path}`;

  /** A report as the dispatcher's REST API returns it, its sentences in `lang`. */
  async function reportOf(id: string, lang: ReportLang = 'zh-CN'): Promise<ReportDocument> {
    const res = await fetch(url(`/api/reports/${encodeURIComponent(id)}?lang=${lang}`), {
      headers: { cookie: station.dispatcherCookie },
    });
    return ((await res.json()) as { report: ReportDocument }).report;
  }

  async function signIn(context: BrowserContext, account: string): Promise<Page> {
    context.setDefaultTimeout(STEP_MS);
    const page = await context.newPage();
    // Each role has its own start page (residents land in the hotline).
    await signInWithForm(page, url(''), account, hub.demoPassword, { connected: false });
    return page;
  }

  beforeAll(async () => {
    hub = await startTestHub({ web: true });
    station = await seedDay(hub, sockets);
    // The real report bot, signed in with a token an operator issued: it adds the summaries.
    const token = await botToken(hub);
    const { me, socket } = await connectBot({ hubUrl: hub.url, token });
    sockets.push(socket);
    botApi = createReportApi({ hubUrl: hub.url, token });
    bot = createReportBot({
      socket,
      api: botApi,
      summariser: createExtractiveSummariser(),
      botUserId: me.id,
      log: { info: () => {}, warn: () => {} },
    });
    await bot.start();
    browser = await launchChromium();
    // The desk's browser runs on UTC (CDP's time zone override), the station on China time:
    // every time on the report screens must still read as the station's.
    desk = await signIn(
      await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true, timezoneId: 'UTC' }),
      station.dispatcherLogin,
    );
  }, TEST_MS);

  afterAll(async () => {
    bot?.stop();
    for (const s of sockets) s.close();
    await browser?.close();
    await hub?.close();
  }, TEST_MS);

  it(
    'the dispatcher opens 报表 and asks for a morning briefing of the station',
    async () => {
      await desk.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '报表' }).click();
      await desk.waitForURL(url('/reports'));
      await desk.getByText('暂无简报或报表').waitFor();
      await desk.getByRole('radio', { name: '早会' }).check();
      await expect.poll(() => desk.getByRole('combobox', { name: '生成单位' }).inputValue()).toBe(station.id);
      await desk.getByRole('button', { name: '生成早会简报' }).click();
      await desk.waitForURL(/\/reports\/[^/]+$/);
      reportId = decodeURIComponent(new URL(desk.url()).pathname.split('/').pop()!);
      await desk.locator(`article[data-report-id="${reportId}"][data-kind=briefing]`).waitFor();
      await desk.getByText(`早会简报${station.name}`).waitFor();
    },
    TEST_MS,
  );

  it(
    "shows the briefing's figures and charts",
    async () => {
      const incidents = desk.locator('[data-block=incidents]');
      await incidents.getByRole('heading', { name: '警情 4' }).waitFor();
      expect(await incidents.locator('tr[data-category=public_order] td').first().textContent()).toBe('2');
      // Nothing a year back: 同比 reads "—".
      expect(await incidents.locator('tr[data-category=total] td').nth(4).textContent()).toBe('—');
      await incidents.getByRole('img', { name: /^分类警情/ }).waitFor();
      // The briefing's 24 hours touch two local dates: the per-date chart has both.
      expect(
        await incidents
          .getByRole('img', { name: /^每日警情（按类别）: \d{4}-\d{2}-\d{2} \d+; \d{4}-\d{2}-\d{2} \d+$/ })
          .count(),
      ).toBe(1);
      expect(await incidents.locator('svg rect').count()).toBeGreaterThanOrEqual(3);
      await incidents.getByText('电动车被盗').waitFor();

      const orders = desk.locator('[data-block=orders]');
      expect(await orders.locator('[data-stat=issued] dd').textContent()).toMatch(/^1\b/);
      expect(await orders.locator('[data-stat=assignments] dd').textContent()).toBe('2');
      expect(await orders.locator('[data-stat=ack-on-time] dd').textContent()).toMatch(/^1 50%/);
      await orders.getByRole('img', { name: /接收 2 → 送达 \d → 已读 \d → 签收 1/ }).waitFor();

      const groups = desk.locator('[data-block=groups]');
      expect(await groups.locator('dd').first().textContent()).toMatch(/^4\b/);
      await desk.locator('[data-block=hotline]').getByRole('heading', { name: '所长热线' }).waitFor();
      await desk.locator('[data-section=conversations]').waitFor();
    },
    TEST_MS,
  );

  it(
    'a summary sentence the bot cited opens the messages it was drawn from',
    async () => {
      // The bot heard of the request and summarises; the page looks again meanwhile, no reload.
      const sentence = desk.locator('[data-section=conversations] button.cited').first();
      await sentence.waitFor();
      cited = {
        text: (await sentence.evaluate((el) => el.firstChild?.textContent ?? '')).trim(),
        ids: (await sentence.getAttribute('data-sources'))!.split(','),
      };
      expect(cited.text.startsWith(`${station.gridGroupName}：`)).toBe(true);
      expect(cited.ids.length).toBeGreaterThan(0);
      await sentence.click();
      const dialog = desk.getByRole('dialog', { name: '来源消息' });
      const sources = dialog.getByTestId('report-sources');
      await sources.waitFor();
      expect(await sources.locator('li').count()).toBe(cited.ids.length);
      const rows = await hub.hub.store.db
        .selectFrom('messages as m')
        .innerJoin('users as u', 'u.id', 'm.sender_id')
        .select(['m.id', 'm.text', 'm.group_id', 'u.name'])
        .where('m.id', 'in', cited.ids)
        .execute();
      expect(rows).toHaveLength(cited.ids.length);
      for (const m of rows) {
        expect(m.group_id).toBe(station.gridGroupId);
        expect(CHAT.map(([, text]) => text)).toContain(m.text);
        const item = sources.locator(`li[data-message-id="${m.id}"]`);
        expect(await item.locator('.text').textContent()).toBe(m.text);
        expect(await item.locator('.meta b').textContent()).toBe(m.name);
      }
      await dialog.getByRole('button', { name: '关闭' }).click();
      await dialog.waitFor({ state: 'hidden' });
    },
    TEST_MS,
  );

  it(
    'downloads the briefing as Markdown with its figures and cited sources',
    async () => {
      const [download] = await Promise.all([
        desk.waitForEvent('download'),
        desk.getByRole('button', { name: '下载 Markdown' }).click(),
      ]);
      // Named by the morning it is held (its end), in China time, though the browser is on UTC.
      const doc = await reportOf(reportId);
      const end = chinaTime(doc.periodEnd);
      expect(download.suggestedFilename()).toBe(`briefing-${station.name}-${end.date}-${end.hh}${end.mm}.md`);
      const md = readFileSync((await download.path())!, 'utf8');
      expect(md.split('\n')[0]).toBe(`# ${station.name} · 早会简报`);
      expect(md).toContain('| 接报警情 | 4 |');
      // A fresh store has nothing before today: 环比 and 同比 read "—".
      expect(md).toContain('| 治安 | 2 | — | — | — | — |');
      expect(md).toContain(`- ${cited.text} (来源消息: ${cited.ids.join(', ')})`);
      expect(md).toMatch(/热议话题: \S+ \(\d+\)/);

      const [json] = await Promise.all([
        desk.waitForEvent('download'),
        desk.getByRole('button', { name: '下载数据 JSON' }).click(),
      ]);
      const figures = JSON.parse(readFileSync((await json.path())!, 'utf8')) as ReportDocument;
      expect(figures.id).toBe(reportId);
      expect(figures.figures.incidents.total.current).toBe(4);
    },
    TEST_MS,
  );

  it(
    "on a browser in UTC, the list, the report and its sources read in the station's time (China)",
    async () => {
      expect(await desk.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe('UTC');
      const doc = await reportOf(reportId);
      const made = chinaTime(doc.generatedAt);
      await desk.goto(url('/reports'));
      const item = desk.locator(`a[data-report-id="${reportId}"]`);
      expect(await item.getByText(/^生成于/).textContent()).toBe(`生成于 ${made.short}`);
      const from = chinaTime(doc.periodStart);
      const to = chinaTime(doc.periodEnd);
      const period = `${from.short} – ${to.short}`;
      expect(await item.locator('.period').textContent()).toBe(period);

      await item.click();
      const head = desk.locator(`article[data-report-id="${reportId}"] header`);
      await head.getByRole('heading', { name: period }).waitFor();
      expect(await head.getByText(/^生成于/).textContent()).toBe(`生成于 ${made.long}`);
      expect(await head.getByTestId('report-zone').textContent()).toBe('时间均按 Asia/Shanghai');

      await desk.locator('[data-section=conversations] button.cited').first().click();
      const dialog = desk.getByRole('dialog', { name: '来源消息' });
      const first = dialog.locator('li[data-message-id]').first();
      const sent = await hub.hub.store.db
        .selectFrom('messages')
        .select('created_at')
        .where('id', '=', (await first.getAttribute('data-message-id'))!)
        .executeTakeFirstOrThrow();
      expect(await first.locator('time').textContent()).toBe(chinaTime(Number(sent.created_at)).short);
      await dialog.getByRole('button', { name: '关闭' }).click();
    },
    TEST_MS,
  );

  it(
    'lists the briefing under its kind and unit, and not under another kind',
    async () => {
      await desk.getByRole('link', { name: '返回列表' }).click();
      await desk.waitForURL(url('/reports'));
      const kinds = desk.getByRole('group', { name: '类型' });
      await kinds.getByRole('button', { name: '早会' }).click();
      await desk.locator(`a[data-report-id="${reportId}"]`).waitFor();
      await kinds.getByRole('button', { name: '月报' }).click();
      await desk.getByText('暂无简报或报表').waitFor();
      expect(await desk.locator('a[data-report-id]').count()).toBe(0);
    },
    TEST_MS,
  );

  it(
    'prints without the navigation and buttons, and repeats table heads on each page',
    async () => {
      await desk.goto(url(`/reports/${encodeURIComponent(reportId)}`));
      await desk.locator('[data-block=incidents]').waitFor();
      const shown = (selector: string) =>
        desk
          .locator(selector)
          .first()
          .evaluate((el) => getComputedStyle(el).display !== 'none');
      expect(await shown('nav.nav')).toBe(true);
      await desk.emulateMedia({ media: 'print' });
      expect(await shown('nav.nav')).toBe(false);
      expect(await shown('header.header')).toBe(false);
      expect(await shown('[role=group][aria-label=报表操作]')).toBe(false);
      expect(
        await desk
          .locator('[data-block=incidents] thead')
          .first()
          .evaluate((el) => getComputedStyle(el).display),
      ).toBe('table-header-group');
      const pdf = await desk.pdf({ format: 'A4' });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      await desk.emulateMedia({ media: 'screen' });
    },
    TEST_MS,
  );

  it(
    'a branch dispatcher filters the list by unit',
    async () => {
      const db = hub.hub.store.db;
      const branch = await db
        .selectFrom('units')
        .select('id')
        .where('kind', '=', 'branch')
        .orderBy('sort')
        .executeTakeFirstOrThrow();
      const other = await db
        .selectFrom('units')
        .select(['id', 'name'])
        .where('parent_id', '=', branch.id)
        .where('kind', '=', 'station')
        .where('id', '!=', station.id)
        .orderBy('sort')
        .executeTakeFirstOrThrow();
      const room = await db
        .selectFrom('units')
        .select('id')
        .where('parent_id', '=', branch.id)
        .where('kind', '=', 'command_room')
        .executeTakeFirstOrThrow();
      const branchDispatcher = await db
        .selectFrom('users')
        .select('login')
        .where('unit_id', '=', room.id)
        .where('role', '=', 'dispatcher')
        .executeTakeFirstOrThrow();
      const cookie = (await login(hub.url, branchDispatcher.login)).cookie;
      const made = await fetch(url('/api/reports'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: hub.url, cookie },
        body: JSON.stringify({ kind: 'daily', unitId: other.id }),
      });
      expect(made.status).toBe(201);
      const daily = ((await made.json()) as { report: ReportDocument }).report;

      const page = await signIn(
        await browser!.newContext({ viewport: { width: 1440, height: 900 } }),
        branchDispatcher.login,
      );
      await page.goto(url('/reports'));
      await page.locator(`a[data-report-id="${reportId}"]`).waitFor();
      await page.locator(`a[data-report-id="${daily.id}"]`).waitFor();
      const unit = page.getByRole('combobox', { name: '单位', exact: true });
      await unit.selectOption(other.id);
      await page.locator(`a[data-report-id="${reportId}"]`).waitFor({ state: 'detached' });
      expect(await page.locator('a[data-report-id]').count()).toBe(1);
      await unit.selectOption(station.id);
      await page.locator(`a[data-report-id="${daily.id}"]`).waitFor({ state: 'detached' });
      await page.locator(`a[data-report-id="${reportId}"]`).waitFor();
      // A briefing is per station: asked for the branch, the form says so and does not send.
      await page.getByRole('radio', { name: '早会' }).check();
      await page.getByRole('combobox', { name: '生成单位' }).selectOption(branch.id);
      await page.getByText('早会简报仅针对派出所').waitFor();
      expect(await page.getByRole('button', { name: '生成早会简报' }).isDisabled()).toBe(true);
    },
    TEST_MS,
  );

  it(
    '生成日报 on a day the schedule already covered says so, and regenerates only when confirmed (audited)',
    async () => {
      // Yesterday's daily report, made by the bot's schedule early this morning (China time).
      const yesterday = Math.floor((Date.now() + 8 * 3_600_000) / 86_400_000) * 86_400_000 - 8 * 3_600_000 - 86_400_000;
      const { report: scheduled } = await botApi.request({ kind: 'daily', unitId: station.id, periodStart: yesterday });
      const db = hub.hub.store.db;
      const madeAt = Date.now() - 8 * 3_600_000;
      await db.updateTable('reports').set({ generated_at: madeAt }).where('id', '=', scheduled.id).execute();
      expect(scheduled.figures.incidents.total.current).toBe(0);
      // A call from yesterday evening, entered late.
      const [dispatcherRow] = await db
        .selectFrom('users')
        .select('id')
        .where('login', '=', station.dispatcherLogin)
        .execute();
      await db
        .insertInto('incidents')
        .values({
          id: `late-${Date.now()}`,
          station_id: station.id,
          number: 'LATE-1',
          client_id: cid(),
          created_by: dispatcherRow!.id,
          reported_at: yesterday + 20 * 3_600_000,
          category: 'assistance',
          source: 'call_110',
          place: '长春路',
          caller: null,
          summary: '老人走失求助',
          status: 'closed',
          created_at: Date.now(),
          updated_at: Date.now(),
        })
        .execute();

      await desk.goto(url('/reports'));
      await desk.getByRole('radio', { name: '日报' }).check();
      await desk.getByRole('button', { name: '生成日报' }).click();
      await desk.waitForURL(url(`/reports/${encodeURIComponent(scheduled.id)}?existing=1`));
      const notice = desk.getByTestId('report-existing');
      await notice.getByText(/^该时段的日报已于 .+ 生成（定时生成），以下是已有内容，未重新统计。$/).waitFor();
      const incidents = desk.locator('[data-block=incidents]');
      await incidents.getByRole('heading', { name: '警情 0' }).waitFor();

      // Nothing happens before the confirmation; cancelling keeps the report.
      await notice.getByRole('button', { name: '按当前数据重新生成' }).click();
      await notice.getByText(/替换这份日报的内容.*并记入审计日志/).waitFor();
      await notice.getByRole('button', { name: '取消' }).click();
      expect((await reportOf(scheduled.id)).generatedAt).toBe(madeAt);
      await notice.getByRole('button', { name: '按当前数据重新生成' }).click();
      await notice.getByRole('button', { name: '确认重新生成' }).click();
      await notice.getByText('日报已按当前数据重新生成，原内容已替换（已记入审计日志）。').waitFor();
      await incidents.getByRole('heading', { name: '警情 1' }).waitFor();
      await desk
        .getByText(/由 .+ 请求生成/)
        .first()
        .waitFor();

      const fresh = await reportOf(scheduled.id);
      expect(fresh.figures.incidents.total.current).toBe(1);
      expect(fresh.trigger).toBe('request');
      const audit = await db
        .selectFrom('audit_log')
        .select(['actor_id', 'target_id'])
        .where('action', '=', 'report.regenerate')
        .execute();
      expect(audit).toEqual([{ actor_id: dispatcherRow!.id, target_id: scheduled.id }]);
    },
    TEST_MS,
  );

  it(
    "the bot's report in the command room is a short digest with a card that opens the charted report",
    async () => {
      const db = hub.hub.store.db;
      const room = await db
        .selectFrom('groups as g')
        .innerJoin('units as u', 'u.id', 'g.unit_id')
        .select('g.id')
        .where('u.parent_id', '=', station.id)
        .where('u.kind', '=', 'command_room')
        .executeTakeFirstOrThrow();
      const socket = await connectSocket(hub.url, { cookie: station.dispatcherCookie });
      sockets.push(socket);
      const asked = await socket.emitWithAck('message:send', { groupId: room.id, clientId: cid(), text: '/briefing' });
      if (!asked.ok) throw new Error(asked.error.message);
      await bot!.idle();
      const posted = await db
        .selectFrom('reports')
        .select(['id', 'posted_seq'])
        .where('posted_group_id', '=', room.id)
        .executeTakeFirstOrThrow();

      digest = { reportId: posted.id, roomId: room.id, seq: posted.posted_seq! };

      await desk.goto(url(`/groups/${encodeURIComponent(room.id)}`));
      const card = desk.locator(`a[data-report-link="${posted.id}"]`);
      await card.waitFor();
      const bubble = desk.locator(`[data-seq="${posted.posted_seq}"] .bubble`);
      const text = (await bubble.locator('p.text').textContent())!;
      expect(text.startsWith(`【早会简报】${station.name}`)).toBe(true);
      expect(text).toContain('警情 4 起');
      expect(text).not.toContain('查看完整报表');
      expect(text.split('\n').length).toBeLessThanOrEqual(7);
      await card.click();
      await desk.waitForURL(url(`/reports/${encodeURIComponent(posted.id)}`));
      await desk.locator(`article[data-report-id="${posted.id}"] [data-block=incidents]`).waitFor();
    },
    TEST_MS,
  );

  it(
    "in English the bot's digest and its card read in English, while the stored message stays Chinese",
    async () => {
      await desk.goto(url(`/groups/${encodeURIComponent(digest.roomId)}`));
      const bubble = desk.locator(`[data-seq="${digest.seq}"] .bubble`);
      const text = bubble.locator('p.text');
      await expect.poll(() => text.textContent()).toMatch(new RegExp(`^【早会简报】${station.name}`));
      await desk.getByRole('group', { name: '界面语言' }).getByRole('button', { name: 'EN' }).click();
      await expect.poll(() => text.textContent()).toMatch(new RegExp(`^\\[Morning briefing\\] ${station.name}`));
      // The same lines the bot posted, rendered from the report in English.
      const doc = await reportOf(digest.reportId, 'en');
      expect(await text.textContent()).toBe(reportDigestLines(doc, 'en').join('\n'));
      expect(await text.textContent()).toMatch(/\nIncidents \d+ \(vs previous .+\nOrders 1 · assignments 2 · /);
      expect(await text.getAttribute('lang')).toBe('en');
      await screenshotWidths(desk, 'chat-digest-en');
      const title = bubble.locator(`a[data-report-link="${digest.reportId}"] .title`);
      expect(await title.textContent()).toMatch(
        new RegExp(`^\\[Morning briefing\\] ${station.name} \\w{3} \\d+ \\d\\d:\\d\\d – `),
      );
      // Stored, searched and pushed as the bot wrote it.
      const stored = await hub.hub.store.db
        .selectFrom('messages')
        .select('text')
        .where('group_id', '=', digest.roomId)
        .where('seq', '=', digest.seq)
        .executeTakeFirstOrThrow();
      expect(stored.text.startsWith(`【早会简报】${station.name}`)).toBe(true);
      expect(stored.text).toContain(`\n警情 ${doc.figures.incidents.total.current} 起`);

      await desk.getByRole('group', { name: 'Interface language' }).getByRole('button', { name: '中文' }).click();
      await expect.poll(() => text.textContent()).toMatch(new RegExp(`^【早会简报】${station.name}`));
      expect(await text.getAttribute('lang')).toBe('zh-CN');
      await screenshotWidths(desk, 'chat-digest-zh');
    },
    TEST_MS,
  );

  it(
    "on a browser in UTC, the command room's message times read in the station's time (China)",
    async () => {
      expect(await desk.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe('UTC');
      const sent = await hub.hub.store.db
        .selectFrom('messages')
        .select('created_at')
        .where('group_id', '=', digest.roomId)
        .where('seq', '=', digest.seq)
        .executeTakeFirstOrThrow();
      const china = chinaTime(Number(sent.created_at));
      await desk.goto(url(`/groups/${encodeURIComponent(digest.roomId)}`));
      const time = desk.locator(`[data-seq="${digest.seq}"] .bubble time`);
      await time.waitFor();
      expect(await time.textContent()).toBe(`${china.hh}:${china.mm}`);
    },
    TEST_MS,
  );

  it(
    'an English reader gets the report in English (headings, sentences, focus), a Chinese reader in Chinese',
    async () => {
      await desk.goto(url(`/reports/${encodeURIComponent(reportId)}`));
      const summary = desk.locator('section.summary');
      const incidents = summary.locator('[data-section=incidents]');
      await incidents.getByRole('heading', { name: '警情' }).waitFor();
      expect(await incidents.locator('li').first().textContent()).toMatch(/^接报警情 4 起，环比/);

      await desk.getByRole('group', { name: '界面语言' }).getByRole('button', { name: 'EN' }).click();
      await incidents.getByRole('heading', { name: 'Incidents' }).waitFor();
      expect((await incidents.locator('li').first().textContent())!.trim()).toMatch(
        /^4 incidents received, — on the previous period \(—\), — on last year \(—\)\.$/,
      );
      await summary
        .locator('[data-section=orders]')
        .getByText(/^1 order issued/)
        .waitFor();
      await summary.locator('[data-section=duty]').getByRole('heading', { name: 'On duty today' }).waitFor();
      const focus = desk.locator('[data-block=focus]');
      await focus.getByRole('heading', { name: "Today's focus" }).waitFor();
      // The open incidents of the day, counted by the hub, worded in English.
      await focus.getByText(/^\d+ incidents? not yet closed: follow up$/).waitFor();
      // Quoted conversation summaries stay as the messages were written.
      const quoted = summary.locator('[data-section=conversations] button.cited').first();
      expect(await quoted.getAttribute('lang')).toBe('zh-CN');
      await summary.getByText('Conversation summaries quote the messages in Chinese').waitFor();
      // Every heading of the summary is English now.
      for (const h of await summary.locator('h3').allTextContents()) expect(h).not.toMatch(/\p{Script=Han}/u);

      await desk.getByRole('group', { name: 'Interface language' }).getByRole('button', { name: '中文' }).click();
      await incidents.getByRole('heading', { name: '警情' }).waitFor();
      await desk.locator('[data-block=focus]').getByRole('heading', { name: '今日重点' }).waitFor();
    },
    TEST_MS,
  );

  it(
    'an unknown report id says it was not found',
    async () => {
      await desk.goto(url('/reports/no-such-report'));
      await desk.getByRole('alert').filter({ hasText: '无法加载报表' }).waitFor();
    },
    TEST_MS,
  );

  it(
    'a resident sees no Reports link and is sent home from /reports',
    async () => {
      const phone = await signIn(
        await browser!.newContext({ viewport: { width: 390, height: 844 } }),
        station.residentLogin,
      );
      await phone.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '群聊' }).waitFor();
      expect(await phone.getByRole('link', { name: '报表' }).count()).toBe(0);
      await phone.goto(url('/reports'));
      await phone.waitForURL((u) => u.pathname !== '/reports');
      const res = await fetch(url('/api/reports'), {
        headers: { cookie: (await login(hub.url, station.residentLogin)).cookie },
      });
      expect(res.status).toBe(403);
    },
    TEST_MS,
  );
});
