/**
 * Read status of staff messages in Chromium ("1人未读" → "全部已读", tap for who): an officer at a
 * desk writes to a grid worker on a phone in their one-to-one conversation; the officer sees
 * "1人未读" under the message and, once the grid worker opens the conversation, "全部已读" without
 * reloading; a tap lists the grid worker under 已读. In the grid's group the officer sees how many
 * have not read their message, and a resident sees no read status at all. The pinned notice shows
 * staff "N人未读" the same way, with the same sheet behind it. After the officer's connection drops
 * and comes back, the open chat is watched again and its counts keep moving live. Needs the web build
 * (`pnpm build`); skips without Chromium unless REQUIRE_SERVICES=1.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSuiteRuns, launchChromium, signInWithForm } from '../support/browser.ts';
import { connectSocket, login, startTestHub, type TestHub } from '@fengqiao/hub/test-support';
import type { Role } from '@fengqiao/hub/protocol';

const STEP_MS = 15_000;
const TEST_MS = 60_000;
/** Set on a page's window; still there later means the page never reloaded. */
const MARK = '__fqNoReload';

(browserSuiteRuns() ? describe : describe.skip)('read status in Chromium', () => {
  let hub: TestHub | undefined;
  let browser: Browser | undefined;
  let officer: { id: string; login: string; name: string };
  let worker: { id: string; login: string; name: string };
  let resident: { login: string };
  let grid: { id: string; name: string };
  let gridUnitId: string;
  let direct: string;
  let desk: Page;
  let phone: Page;

  const url = (path: string) => `${hub!.url}${path}`;
  const stamp = Date.now().toString(36);
  const ask = `明早八点到东门集合，收到请回复 ${stamp}`;
  const gridNote = `今晚社区巡逻，请关好门窗 ${stamp}`;

  async function signIn(context: BrowserContext, who: string): Promise<Page> {
    context.setDefaultTimeout(STEP_MS);
    const page = await context.newPage();
    await signInWithForm(page, url(''), who, hub!.demoPassword);
    return page;
  }

  /** Opens a group from 群聊 (its link's name may start with an unread badge) and marks the page. */
  async function openGroup(page: Page, groupId: string): Promise<void> {
    // A phone hides its tab bar inside a conversation: from there, go to the list directly.
    if (new URL(page.url()).pathname.startsWith('/groups/')) await page.goto(url('/groups'));
    else await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: /群聊/ }).click();
    await page.waitForURL(url('/groups'));
    await page.locator(`a[data-group-id="${groupId}"]`).click();
    await page.waitForURL(url(`/groups/${groupId}`));
    await page.evaluate((mark) => Object.assign(window, { [mark]: true }), MARK);
  }

  const message = (page: Page, text: string) => page.locator('.message', { hasText: text });
  const notReloaded = (page: Page) =>
    page.evaluate((mark) => (window as unknown as Record<string, unknown>)[mark] === true, MARK);

  beforeAll(async () => {
    hub = await startTestHub({ web: true });
    const db = hub.hub.store.db;
    const unit = await db
      .selectFrom('units')
      .select(['id', 'parent_id'])
      .where('kind', '=', 'grid')
      .orderBy('sort')
      .executeTakeFirstOrThrow();
    const person = (role: Role, unitId: string) =>
      db
        .selectFrom('users')
        .select(['id', 'login', 'name'])
        .where('unit_id', '=', unitId)
        .where('role', '=', role)
        .orderBy('id')
        .executeTakeFirstOrThrow();
    officer = await person('officer', unit.parent_id!);
    worker = await person('grid_worker', unit.id);
    resident = await person('resident', unit.id);
    gridUnitId = unit.id;
    grid = await db
      .selectFrom('groups')
      .select(['id', 'name'])
      .where('unit_id', '=', unit.id)
      .where('kind', '=', 'grid')
      .executeTakeFirstOrThrow();
    // The officer's one-to-one conversation with the grid worker, opened the way the web opens it.
    const s = await connectSocket(hub.url, { cookie: (await login(hub.url, officer.login)).cookie });
    const opened = await s.emitWithAck('group:direct', { userId: worker.id });
    s.close();
    if (!opened.ok) throw new Error(opened.error.message);
    direct = opened.group.id;
    browser = await launchChromium();
    desk = await signIn(await browser.newContext({ viewport: { width: 1440, height: 900 } }), officer.login);
    phone = await signIn(
      await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true }),
      worker.login,
    );
  }, TEST_MS);

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  }, TEST_MS);

  it(
    'the sender sees 1人未读 turn into 全部已读 live when the other reads, and who read it on a tap',
    async () => {
      await openGroup(desk, direct);
      await desk.locator('#chat-input').fill(ask);
      await desk.keyboard.press('Enter');
      const status = message(desk, ask).getByTestId('read-status');
      await status.filter({ hasText: '1人未读' }).waitFor();
      await desk.screenshot({ path: '/tmp/readstatus-unread-1440.png' });

      await openGroup(phone, direct);
      await message(phone, ask).waitFor();
      await status.filter({ hasText: '全部已读' }).waitFor();
      expect(await notReloaded(desk)).toBe(true);
      await phone.screenshot({ path: '/tmp/readstatus-reader-390.png' });

      await status.click();
      const sheet = desk.getByRole('dialog', { name: '消息接收人列表' });
      await sheet.getByTestId('readers-tab-unread').filter({ hasText: '未读 (0)' }).waitFor();
      await sheet.getByTestId('readers-tab-read').click();
      await sheet.getByTestId('readers-read').getByText(worker.name).waitFor();
      await desk.screenshot({ path: '/tmp/readstatus-sheet-1440.png' });
      await sheet.getByRole('button', { name: '关闭' }).click();
    },
    TEST_MS,
  );

  it(
    'in the grid group the officer sees how many have not read; a resident sees no read status',
    async () => {
      const home = await signIn(
        await browser!.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true }),
        resident.login,
      );
      await openGroup(home, grid.id);
      await openGroup(desk, grid.id);
      await desk.locator('#chat-input').fill(gridNote);
      await desk.keyboard.press('Enter');
      await message(desk, gridNote)
        .getByTestId('read-status')
        .filter({ hasText: /\d+人未读/ })
        .waitFor();
      await message(home, gridNote).waitFor();
      // The resident's page has read the message and shows its text, never anyone's reading.
      await home.screenshot({ path: '/tmp/readstatus-resident-390.png' });
      expect(await home.getByTestId('read-status').count()).toBe(0);
      await desk.screenshot({ path: '/tmp/readstatus-grid-1440.png' });
      await openGroup(phone, grid.id);
      await message(phone, gridNote).getByTestId('read-status').waitFor();
      await phone.screenshot({ path: '/tmp/readstatus-grid-390.png' });
      // A phone's sheet: the unread tab names as many members as its count says.
      await message(phone, gridNote).getByTestId('read-status').click();
      const sheet = phone.getByRole('dialog', { name: '消息接收人列表' });
      await sheet.getByTestId('readers-unread').waitFor();
      const tab = (await sheet.getByTestId('readers-tab-unread').textContent()) ?? '';
      const listed = Number(/\((\d+)\)/.exec(tab)?.[1]);
      expect(listed).toBeGreaterThan(0);
      expect(await sheet.getByTestId('readers-unread').locator('li').count()).toBe(listed);
      await phone.screenshot({ path: '/tmp/readstatus-sheet-390.png' });
      await home.context().close();
    },
    TEST_MS,
  );

  it(
    "after the officer's connection drops and comes back, the open chat's counts still move live",
    async () => {
      const text = `重连之后也要看到谁读了 ${stamp}`;
      // Only the reader below reads this message: the grid worker's phone leaves the chat (an open
      // chat reads what arrives, at its own pace, which would move the count at any moment).
      await phone.goto(url('/groups'));
      await openGroup(desk, grid.id);
      await desk.locator('#chat-input').fill(text);
      await desk.keyboard.press('Enter');
      const status = message(desk, text).getByTestId('read-status');
      await status.filter({ hasText: /\d+人未读/ }).waitFor();
      const db = hub!.hub.store.db;
      const { last_seq } = await db
        .selectFrom('groups')
        .select('last_seq')
        .where('id', '=', grid.id)
        .executeTakeFirstOrThrow();
      const seq = Number(last_seq);
      const unreadNow = async () => {
        const asker = await connectSocket(hub!.url, { cookie: (await login(hub!.url, officer.login)).cookie });
        const counts = await asker.emitWithAck('group:read-counts', { groupId: grid.id, fromSeq: seq, toSeq: seq });
        asker.close();
        if (!counts.ok) throw new Error(counts.error.message);
        return counts.counts[0]!.unread;
      };
      const before = await unreadNow();
      expect(before).toBeGreaterThan(1);
      await status.filter({ hasText: `${before}人未读` }).waitFor();

      // The hub drops the desk's connection (its transport closes, as when a network goes away).
      const io = hub!.hub.realtime.io;
      const officerSockets = () =>
        [...io.sockets.sockets.values()].filter((s) => s.data.principal.user.id === officer.id);
      const dropped = new Set(officerSockets().map((s) => s.id));
      expect(dropped.size).toBe(1);
      for (const s of officerSockets()) s.conn.close();
      // The page's new connection watches the chat again (the one the hub sends read counts to).
      const watchingAgain = () =>
        [...(io.sockets.adapter.rooms.get(`group-reads:${grid.id}`) ?? [])].some(
          (id) => !dropped.has(id) && io.sockets.sockets.get(id)?.data.principal.user.id === officer.id,
        );
      await expect.poll(watchingAgain, { timeout: STEP_MS }).toBe(true);

      // A resident with no page open reads it now: the desk shows the new count without a reload
      // (it asked for counts once when watching again, before this read).
      const { login: readerLogin } = await db
        .selectFrom('users')
        .select('login')
        .where('unit_id', '=', gridUnitId)
        .where('role', '=', 'resident')
        .where('login', '!=', resident.login)
        .executeTakeFirstOrThrow();
      const reader = await connectSocket(hub!.url, { cookie: (await login(hub!.url, readerLogin)).cookie });
      expect(await reader.emitWithAck('group:read', { groupId: grid.id, seq })).toMatchObject({ ok: true });
      reader.close();
      expect(await unreadNow()).toBe(before - 1);
      await status.filter({ hasText: `${before - 1}人未读` }).waitFor();
      expect(await notReloaded(desk)).toBe(true);
    },
    TEST_MS,
  );

  it(
    'staff see how many have not read the pinned notice and who, at 1440 and 390 px; residents see none',
    async () => {
      const s = await connectSocket(hub!.url, { cookie: (await login(hub!.url, officer.login)).cookie });
      const pinned = await s.emitWithAck('group:notice', { groupId: grid.id, text: `周六上午反诈宣传 ${stamp}` });
      s.close();
      expect(pinned).toMatchObject({ ok: true });
      for (const [page, width] of [
        [desk, 1440],
        [phone, 390],
      ] as const) {
        await openGroup(page, grid.id);
        await page.getByRole('region', { name: '群公告' }).getByRole('button', { expanded: false }).click();
        const count = page.getByTestId('notice-read-status').filter({ hasText: /\d+人未读/ });
        await count.waitFor();
        await page.screenshot({ path: `/tmp/readstatus-notice-${width}.png` });
        await count.click();
        const sheet = page.getByRole('dialog', { name: '消息接收人列表' });
        await sheet.getByTestId('readers-unread').waitFor();
        const tab = (await sheet.getByTestId('readers-tab-unread').textContent()) ?? '';
        expect(Number(/\((\d+)\)/.exec(tab)?.[1])).toBe(Number(/\d+/.exec((await count.textContent()) ?? '')?.[0]));
        await page.screenshot({ path: `/tmp/readstatus-notice-sheet-${width}.png` });
        await sheet.getByRole('button', { name: '关闭' }).click();
      }
      const home = await signIn(
        await browser!.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true }),
        resident.login,
      );
      await openGroup(home, grid.id);
      await home.getByRole('region', { name: '群公告' }).getByRole('button', { expanded: false }).click();
      await home.locator('.notice .full', { hasText: stamp }).waitFor();
      expect(await home.getByTestId('notice-read-status').count()).toBe(0);
    },
    TEST_MS,
  );
});
