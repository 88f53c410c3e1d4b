/**
 * The reader's language and the station's clock in Chromium, on a desk whose browser runs on UTC
 * (CDP's time zone override) while the station keeps China time: the command board's times read
 * as the station's, and in English a known rank (警衔 / 警长 ladder) reads in its English form on
 * the account page, in the order target picker and in the admin's people list, while the stored
 * rank stays as written.
 * Screenshots of the changed views at 390 and 1440 px in both languages land in load/out/screens
 * when SCREENSHOTS=1. Needs the web build (`pnpm build`); skips without Chromium unless
 * REQUIRE_SERVICES=1.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSuiteRuns, launchChromium, signInWithForm } from '../support/browser.ts';
import { rankText } from '@fengqiao/hub/protocol';
import { connectSocket, login, startTestHub, type TestHub, type TestSocket } from '@fengqiao/hub/test-support';
import { screenshotWidths } from '../support/screenshots.ts';

const STEP_MS = 15_000;
const TEST_MS = 60_000;

/** A moment on China's clock (UTC+8, no daylight saving) as the board shows it: "12月6日 09:30". */
function chinaShort(ms: number): string {
  const d = new Date(ms + 8 * 3_600_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

(browserSuiteRuns() ? describe : describe.skip)("language and the station's clock in Chromium", () => {
  let hub: TestHub;
  let browser: Browser | undefined;
  let desk: Page;
  let socket: TestSocket | undefined;
  /** The station dispatcher signed in on the desk, and an officer of the same station with a rank. */
  let dispatcher: { login: string; rank: string };
  let officer: { id: string; login: string; name: string; rank: string };
  let order: { id: string; createdAt: number };

  const url = (path: string) => `${hub.url}${path}`;

  /** Through the header's switch (the account page has a second one). */
  async function setLanguage(page: Page, to: 'EN' | '中文'): Promise<void> {
    await page
      .getByRole('group', { name: to === 'EN' ? '界面语言' : 'Interface language' })
      .getByRole('button', { name: to })
      .first()
      .click();
  }

  beforeAll(async () => {
    hub = await startTestHub({ web: true });
    const db = hub.hub.store.db;
    const station = await db
      .selectFrom('units')
      .select('path')
      .where('kind', '=', 'station')
      .orderBy('sort')
      .executeTakeFirstOrThrow();
    const staff = await db
      .selectFrom('users as u')
      .innerJoin('units as un', 'un.id', 'u.unit_id')
      .select(['u.id', 'u.login', 'u.name', 'u.role', 'u.rank'])
      .where('un.path', 'like', `${station.path}%`)
      .where('u.rank', 'is not', null)
      .orderBy('u.id')
      .execute();
    const d = staff.find((p) => p.role === 'dispatcher')!;
    const o = staff.find((p) => p.role === 'officer')!;
    dispatcher = { login: d.login, rank: d.rank! };
    officer = { id: o.id, login: o.login, name: o.name, rank: o.rank! };
    // The demo's ranks are on the table: English differs from what is stored.
    expect(rankText(dispatcher.rank, 'en')).not.toBe(dispatcher.rank);

    socket = await connectSocket(hub.url, { cookie: (await login(hub.url, d.login)).cookie });
    const sent = await socket.emitWithAck('order:create', {
      clientId: `lang-zone-${Date.now()}`,
      title: '夜间巡逻 核查车棚',
      body: '请于今晚加强车棚巡逻。',
      priority: 'routine',
      targets: [{ kind: 'user' as const, userId: o.id }],
    });
    if (!sent.ok) throw new Error(sent.error.message);
    order = { id: sent.order.id, createdAt: sent.order.createdAt };

    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, timezoneId: 'UTC' });
    context.setDefaultTimeout(STEP_MS);
    desk = await context.newPage();
    await signInWithForm(desk, url(''), dispatcher.login, hub.demoPassword, { connected: false });
  }, TEST_MS);

  afterAll(async () => {
    socket?.close();
    await browser?.close();
    await hub?.close();
  }, TEST_MS);

  it(
    "on a browser in UTC, the command board reads the order's time in the station's time (China)",
    async () => {
      expect(await desk.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe('UTC');
      await desk.goto(url('/command'));
      const card = desk.locator(`article[data-order-id="${order.id}"]`);
      await card.locator('.meta').waitFor();
      expect((await card.locator('.meta').textContent())!.trim()).toContain(`于 ${chinaShort(order.createdAt)} 下达`);
      await screenshotWidths(desk, 'board-zh');
    },
    TEST_MS,
  );

  it(
    'in English the account page and the target picker show ranks in English; back in Chinese as stored',
    async () => {
      await desk.goto(url('/account'));
      const rank = desk.locator('dt', { hasText: '警衔' }).locator('xpath=following-sibling::dd');
      expect(await rank.textContent()).toBe(dispatcher.rank);
      await screenshotWidths(desk, 'account-zh');
      await setLanguage(desk, 'EN');
      const english = desk.locator('dt', { hasText: 'Rank' }).locator('xpath=following-sibling::dd');
      expect(await english.textContent()).toBe(rankText(dispatcher.rank, 'en'));
      await screenshotWidths(desk, 'account-en');

      await desk.goto(url('/command'));
      await desk.getByRole('searchbox', { name: 'Find people by name' }).fill(officer.name);
      const row = desk.locator(`li[data-person-id="${officer.id}"] .rank`);
      expect((await row.textContent())!.trim()).toBe(`· ${rankText(officer.rank, 'en')}`);
      // Found by the English rank too.
      await desk.getByRole('searchbox', { name: 'Find people by name' }).fill(rankText(officer.rank, 'en'));
      await desk.locator(`li[data-person-id="${officer.id}"]`).waitFor();
      await screenshotWidths(desk, 'board-en');

      await setLanguage(desk, '中文');
      await desk.getByRole('searchbox', { name: '按姓名查找人员' }).fill(officer.name);
      expect((await desk.locator(`li[data-person-id="${officer.id}"] .rank`).textContent())!.trim()).toBe(
        `· ${officer.rank}`,
      );
      // The board's time reads the same in English, on the station's clock.
      await setLanguage(desk, 'EN');
      const meta = desk.locator(`article[data-order-id="${order.id}"] .meta`);
      const hhmm = chinaShort(order.createdAt).split(' ')[1]!;
      expect(await meta.textContent()).toContain(hhmm);
      await setLanguage(desk, '中文');
    },
    TEST_MS,
  );

  it(
    "the admin's people list shows the rank in the reader's language",
    async () => {
      const context = await browser!.newContext({ viewport: { width: 1440, height: 900 } });
      context.setDefaultTimeout(STEP_MS);
      const page = await context.newPage();
      await signInWithForm(page, url(''), 'admin', hub.demoPassword, { connected: false });
      await page.goto(url('/admin/people'));
      await page.fill('#people-q', officer.login);
      await page.locator('#people-q').press('Enter');
      const cell = page.locator(`tr[data-login="${officer.login}"] td[data-label="职务"]`);
      await expect.poll(() => cell.textContent()).toBe(officer.rank);
      await screenshotWidths(page, 'admin-people-zh');
      await setLanguage(page, 'EN');
      const english = page.locator(`tr[data-login="${officer.login}"] td[data-label="Rank"]`);
      await expect.poll(() => english.textContent()).toBe(rankText(officer.rank, 'en'));
      await screenshotWidths(page, 'admin-people-en');
      await setLanguage(page, '中文');
      await context.close();
    },
    TEST_MS,
  );
});
