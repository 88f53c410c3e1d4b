/**
 * Where people work from (issue #17) in Chromium: each role lands where its work is (dispatcher on
 * the board, officer on their orders, station head on the overview, administrator in
 * administration); on a phone the board is on the first screen and the composer opens from
 * 下达指令; after 签收 the officer's inbox shows the order in its new tab, highlighted; the resident
 * is told to call 110 on the station's link and in the automatic reply; and a letter going
 * overdue raises a banner and a late hotline badge for the head on another page. The hub's
 * response target is set to three seconds, so a letter goes overdue while the test watches.
 * Needs the web build (`pnpm build`); skips without Chromium unless REQUIRE_SERVICES=1.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSuiteRuns, launchChromium, signInWithForm } from '../support/browser.ts';
import { connectSocket, firstStation, login, startTestHub, type TestHub } from '@fengqiao/hub/test-support';
import type { Role } from '@fengqiao/hub/protocol';

const STEP_MS = 15_000;
const TEST_MS = 60_000;

(browserSuiteRuns() ? describe : describe.skip)('where each role works, in Chromium', () => {
  let hub: TestHub | undefined;
  let browser: Browser | undefined;
  let station: { stationId: string; dispatcherLogin: string };
  const suffix = Date.now().toString(36);
  let n = 0;
  const cid = () => `ws-${suffix}-${++n}`;
  const url = (path: string) => `${hub!.url}${path}`;

  /** A login of this role in the first station (the dispatcher's scope). */
  async function loginOf(role: Role): Promise<string> {
    if (role === 'dispatcher') return station.dispatcherLogin;
    const db = hub!.hub.store.db;
    let q = db.selectFrom('users').innerJoin('units', 'units.id', 'users.unit_id').select('users.login');
    q = q.where('users.role', '=', role);
    if (role === 'station_head') q = q.where('units.id', '=', station.stationId);
    if (role === 'officer') q = q.where('units.parent_id', '=', station.stationId);
    return (await q.orderBy('users.login').executeTakeFirstOrThrow()).login;
  }

  async function signIn(loginName: string, width: number): Promise<Page> {
    const context = await browser!.newContext({ viewport: { width, height: width < 900 ? 844 : 900 } });
    context.setDefaultTimeout(STEP_MS);
    const page = await context.newPage();
    await signInWithForm(page, url(''), loginName, hub!.demoPassword);
    return page;
  }

  beforeAll(async () => {
    hub = await startTestHub({
      web: true,
      env: { HOTLINE_RESPONSE_TARGET_MINUTES: '0.05', HOTLINE_SWEEP_INTERVAL_MS: '500' },
    });
    station = await firstStation(hub.hub);
    browser = await launchChromium();
  }, TEST_MS);

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  }, TEST_MS);

  const landings: [Role, string, string][] = [
    ['dispatcher', '/command', '#board-title'],
    ['officer', '/orders', '#inbox-panel'],
    ['station_head', '/', '[data-testid=overview]'],
    ['admin', '/admin', 'main h1'],
  ];
  for (const [role, path, mark] of landings) {
    it(
      `${role}: signing in lands on ${path}, and 我的 holds the profile and the connection`,
      async () => {
        const page = await signIn(await loginOf(role), 1440);
        await page.waitForURL((u) => u.pathname === path || (path === '/admin' && u.pathname.startsWith('/admin')));
        await page.locator(mark).first().waitFor();
        if (role === 'station_head') {
          const overview = page.getByTestId('overview');
          for (const tile of ['overview-orders', 'overview-letters', 'overview-matters'])
            await overview.getByTestId(tile).locator('strong').first().waitFor();
        }
        await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '我的', exact: true }).click();
        await page.waitForURL((u) => u.pathname === '/account');
        await page.getByRole('heading', { name: /您好/ }).waitFor();
        await page.getByRole('button', { name: '测试连接' }).waitFor();
        await page.context().close();
      },
      TEST_MS,
    );
  }

  it(
    'on a phone the header is short, the board is on the first screen, and 下达指令 opens the composer',
    async () => {
      const page = await signIn(station.dispatcherLogin, 390);
      await page.waitForURL((u) => u.pathname === '/command');
      const board = page.locator('#board-title');
      await board.waitFor();
      const header = await page.locator('header.header').boundingBox();
      expect(header!.height).toBeLessThanOrEqual(64);
      const top = (await board.boundingBox())!.y;
      expect(top).toBeLessThan(844);
      const composer = page.locator('#composer-title');
      expect(await composer.isVisible()).toBe(false);
      await page.getByRole('button', { name: /下达指令/ }).click();
      await composer.waitFor();
      await page.getByRole('dialog', { name: '下达指令' }).locator('input').first().waitFor();
      await page.keyboard.press('Escape');
      await composer.waitFor({ state: 'hidden' });
      await page.context().close();
    },
    TEST_MS,
  );

  it(
    'after 签收 the inbox shows the order in 已签收, highlighted',
    async () => {
      const title = `路面巡查 ${suffix}`;
      const page = await signIn(await loginOf('officer'), 390);
      await page.waitForURL((u) => u.pathname === '/orders');
      const d = await login(hub!.url, station.dispatcherLogin);
      const socket = await connectSocket(hub!.url, { cookie: d.cookie });
      const officerId = (
        await hub!.hub.store.db
          .selectFrom('users')
          .select('id')
          .where('login', '=', await loginOf('officer'))
          .executeTakeFirstOrThrow()
      ).id;
      const sent = await socket.emitWithAck('order:create', {
        clientId: cid(),
        title,
        body: '请到长春路口查看路面塌陷情况并反馈。',
        priority: 'routine',
        targets: [{ kind: 'user', userId: officerId }],
      });
      socket.close();
      expect(sent.ok).toBe(true);
      const card = page.locator('#inbox-panel article', { hasText: title });
      await card.getByRole('button', { name: '签收' }).click();
      await page.locator('#inbox-panel article[data-highlighted=true]', { hasText: title }).waitFor();
      expect(await page.getByRole('tab', { name: /已签收/ }).getAttribute('aria-selected')).toBe('true');
      expect(await card.getAttribute('data-state')).toBe('acknowledged');
      expect(await card.isVisible()).toBe(true);
      await page.context().close();
    },
    TEST_MS,
  );

  it(
    'the resident is told to call 110; the head, on another page, gets a banner and a late badge as the letter goes overdue',
    async () => {
      const db = hub!.hub.store.db;
      const stationCode = (
        await db.selectFrom('units').select('code').where('id', '=', station.stationId).executeTakeFirstOrThrow()
      ).code;
      const phone = await browser!.newPage({ viewport: { width: 390, height: 844 } });
      phone.setDefaultTimeout(STEP_MS);
      await phone.goto(url(`/h/${stationCode}`));
      await phone.getByTestId('emergency-notice').getByText('紧急情况请拨打 110').waitFor();
      expect(await phone.getByRole('link', { name: '拨打 110' }).getAttribute('href')).toBe('tel:110');
      await phone.close();

      const head = await signIn(await loginOf('station_head'), 1440);
      await head.goto(url('/groups'));
      await head.locator('[role=status][data-state=connected]').first().waitFor();

      // A resident of the head's station writes, on a phone.
      const resident = (
        await db
          .selectFrom('users')
          .innerJoin('units as grid', 'grid.id', 'users.unit_id')
          .innerJoin('units as community', 'community.id', 'grid.parent_id')
          .select('users.login')
          .where('users.role', '=', 'resident')
          .where('community.parent_id', '=', station.stationId)
          .orderBy('users.login')
          .executeTakeFirstOrThrow()
      ).login;
      const writer = await signIn(resident, 390);
      await writer.goto(url('/hotline/new'));
      await writer.getByTestId('compose-letter').getByTestId('emergency-notice').waitFor();
      const letter = `夜里小区门口有人聚集喧哗，影响休息。${suffix}`;
      await writer.fill('textarea[name=text]', letter);
      await writer.getByRole('button', { name: '发送给所长' }).click();
      await writer.waitForURL((u) => /^\/hotline\/[^/]+$/.test(u.pathname) && u.pathname !== '/hotline/new');
      await writer
        .getByTestId('auto-reply')
        .getByText(/紧急情况请立即拨打 110/)
        .waitFor();

      // Still on the groups page, the head is told of the letter, then that it went overdue.
      const overdue = head.locator('[data-kind=letter-overdue]');
      await overdue.getByText('来信已超时未答复').waitFor();
      await overdue.getByText(letter.slice(0, 20)).waitFor();
      expect(new URL(head.url()).pathname).toBe('/groups');
      const badge = head
        .getByRole('navigation', { name: '主导航' })
        .getByRole('link', { name: /所长热线/ })
        .locator('.count[data-late=true]');
      await badge.waitFor();
      expect(await badge.getAttribute('aria-label')).toMatch(/已超时/);
      // The banner leads to the letter, and opening it settles the banner.
      await overdue.getByRole('link', { name: '查看' }).click();
      await head.waitForURL((u) => u.pathname.startsWith('/hotline/'));
      await overdue.waitFor({ state: 'detached' });
      await writer.context().close();
      await head.context().close();
    },
    TEST_MS,
  );
});
