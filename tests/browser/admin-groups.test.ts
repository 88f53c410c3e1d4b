/**
 * The administrator on /groups (群聊 in the navigation), in Chromium at phone and desk widths, on a
 * demo hub with its month of history: they belong to no group, so they get group administration
 * (the units' groups, members, residents waiting, last message, links to units, people and
 * resident review), never "您还没有加入任何群" and an empty chat. A station head still gets the chat;
 * a resident turned away gets that line and 再次申请入群.
 * Needs the web build (`pnpm build`); skips without Chromium unless REQUIRE_SERVICES=1.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSuiteRuns, launchChromium, signInWithForm } from '../support/browser.ts';
import { demoLogin, startTestHub, type TestHub } from '@fengqiao/hub/test-support';

const STEP_MS = 15_000;
const TEST_MS = 90_000;

(browserSuiteRuns() ? describe : describe.skip)('the administrator on the groups page', () => {
  let hub: TestHub | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    hub = await startTestHub({ web: true, historyDays: 30 });
    browser = await launchChromium();
  }, TEST_MS);

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  }, TEST_MS);

  async function signIn(loginName: string, width: number): Promise<Page> {
    const context = await browser!.newContext({ viewport: { width, height: width < 900 ? 844 : 900 } });
    context.setDefaultTimeout(STEP_MS);
    const page = await context.newPage();
    await signInWithForm(page, hub!.url, loginName, hub!.demoPassword, { connected: false });
    return page;
  }

  for (const width of [390, 1440]) {
    it(
      `shows group administration, not an empty chat, at ${width} px`,
      async () => {
        const page = await signIn('admin', width);
        await page.goto(`${hub!.url}/groups`);
        const overview = page.getByTestId('group-overview');
        await overview.getByRole('heading', { name: '群管理' }).waitFor();
        await expect(page.getByText('您还没有加入任何群').count()).resolves.toBe(0);
        // Every grid of the demo tree is listed with its members; the month of history shows as a last message.
        const gridRows = overview.locator('tbody tr', { hasText: '网格群' });
        await gridRows.first().waitFor();
        expect(await gridRows.count()).toBe(24);
        const firstGrid = await gridRows.first().innerText();
        expect(firstGrid).toContain('桃源社区第一网格');
        expect(firstGrid).not.toContain('暂无消息');
        await expect(overview.getByRole('link', { name: /居民注册审核/ }).getAttribute('href')).resolves.toBe(
          '/admin/residents',
        );
        await page.screenshot({ path: `/tmp/demo-admin-groups-${width}.png`, fullPage: false });
        await page.context().close();
      },
      TEST_MS,
    );
  }

  it(
    'still gives a station head their group chat',
    async () => {
      const page = await signIn(await demoLogin(hub!.hub, 'station_head'), 1440);
      await page.goto(`${hub!.url}/groups`);
      await page.getByText('选择左侧的群聊开始交流').waitFor();
      expect(await page.getByTestId('group-overview').count()).toBe(0);
      await page.context().close();
    },
    TEST_MS,
  );

  it(
    'lets a resident turned away ask to join again, at 390 and 1440 px',
    async () => {
      const db = hub!.hub.store.db;
      const turnedAway = await db
        .selectFrom('users')
        .innerJoin('group_members as gm', 'gm.user_id', 'users.id')
        .select(['users.id', 'users.login', 'gm.group_id'])
        .where('users.role', '=', 'resident')
        .where('gm.status', '=', 'active')
        .orderBy('users.id')
        .executeTakeFirstOrThrow();
      // Turned away two days ago: past the one-day wait.
      await db
        .updateTable('group_members')
        .set({ status: 'removed', joined_at: Date.now() - 2 * 24 * 60 * 60_000 })
        .where('user_id', '=', turnedAway.id)
        .execute();
      for (const [width, said] of [
        [390, '已提交申请，请等待网格员审核'],
        [1440, '您的申请正在等待审核'],
      ] as const) {
        const page = await signIn(turnedAway.login, width);
        await page.goto(`${hub!.url}/groups`);
        await page.getByText('您还没有加入任何群').waitFor();
        await page.getByRole('button', { name: '再次申请入群' }).click();
        await page.getByTestId('ask-again-said').filter({ hasText: said }).waitFor();
        await page.screenshot({ path: `/tmp/ask-again-${width}.png` });
        await page.context().close();
      }
      const row = await db
        .selectFrom('group_members')
        .select('status')
        .where('user_id', '=', turnedAway.id)
        .where('group_id', '=', turnedAway.group_id)
        .executeTakeFirstOrThrow();
      expect(row.status).toBe('pending');
    },
    TEST_MS,
  );
});
