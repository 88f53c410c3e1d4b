/**
 * The closed loop of a command order in Chromium, across two browser contexts: the station
 * dispatcher picks the officer in the target picker and sends; the officer sees the order arrive
 * live and acknowledges it; the dispatcher's board shows it acknowledged, neither page reloaded.
 * The officer then reports progress and completes with feedback, which the board's timeline shows.
 * Needs the web build (`pnpm build`); skips without Chromium unless REQUIRE_SERVICES=1.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '@fengqiao/hub/test-support';
import type { Role } from '@fengqiao/hub/protocol';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const required = process.env.REQUIRE_SERVICES === '1';
const available = existsSync(CHROMIUM);
if (!available && !required)
  console.log(`browser tests skipped: no Chromium at ${CHROMIUM} (set CHROMIUM_PATH, or REQUIRE_SERVICES=1 to fail)`);

const STEP_MS = 15_000;
const TEST_MS = 60_000;

interface DemoAccount {
  login: string;
  name: string;
  role: Role;
  unitName: string;
}

/** Set on a page's window; still there later means the page never reloaded. */
const MARK = '__fqNoReload';

(available || required ? describe : describe.skip)('command orders in Chromium', () => {
  let hub: TestHub | undefined;
  let browser: Browser | undefined;
  let dispatcher: DemoAccount;
  let officer: DemoAccount;
  let desk: Page;
  let phone: Page;

  const url = (path: string) => `${hub!.url}${path}`;

  async function signIn(context: BrowserContext, account: DemoAccount): Promise<Page> {
    context.setDefaultTimeout(STEP_MS);
    const page = await context.newPage();
    await page.goto(url('/login'));
    await page.fill('input[name=login]', account.login);
    await page.fill('input[name=password]', hub!.demoPassword);
    await page.click('button[type=submit]');
    await page.waitForURL((u) => u.pathname !== '/login');
    await page.locator('[role=status][data-state=connected]').first().waitFor();
    return page;
  }

  beforeAll(async () => {
    hub = await startTestHub({ web: true });
    const res = await fetch(`${hub.url}/api/demo/accounts`);
    expect(res.status).toBe(200);
    const { accounts } = (await res.json()) as { accounts: DemoAccount[] };
    const pick = (role: Role) => {
      const found = accounts.find((a) => a.role === role);
      if (!found) throw new Error(`the demo data lists no ${role}`);
      return found;
    };
    dispatcher = pick('dispatcher');
    officer = pick('officer');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    // Two contexts: two people with their own cookies, on a desk and on a phone.
    desk = await signIn(await browser.newContext({ viewport: { width: 1440, height: 900 } }), dispatcher);
    phone = await signIn(await browser.newContext({ viewport: { width: 390, height: 844 } }), officer);
  }, TEST_MS);

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  }, TEST_MS);

  const title = `核查桃源社区出租屋 ${Date.now().toString(36)}`;

  it(
    'shows each person the links of their role',
    async () => {
      const nav = (page: Page) => page.getByRole('navigation', { name: '主导航' });
      await nav(desk).getByRole('link', { name: '指挥台' }).waitFor();
      await nav(desk).getByRole('link', { name: '警情登记' }).waitFor();
      await nav(phone).getByRole('link', { name: '我的指令' }).waitFor();
      expect(await nav(phone).getByRole('link', { name: '指挥台' }).count()).toBe(0);
    },
    TEST_MS,
  );

  it(
    'the dispatcher picks the officer in the target picker and sends the order',
    async () => {
      await phone.getByRole('link', { name: '我的指令' }).click();
      await phone.waitForURL(url('/orders'));
      await phone.evaluate((mark) => Object.assign(window, { [mark]: true }), MARK);

      await desk.getByRole('link', { name: '指挥台' }).click();
      await desk.waitForURL(url('/command'));
      await desk.evaluate((mark) => Object.assign(window, { [mark]: true }), MARK);
      await desk.fill('#order-title', title);
      await desk.fill('#order-body', '请于今日内核查辖区出租屋登记情况，发现问题及时反馈。');
      await desk.getByRole('button', { name: `展开 ${officer.unitName}` }).click();
      await desk.getByRole('checkbox', { name: new RegExp(`^${officer.name}`) }).check();
      await expect.poll(() => desk.getByTestId('recipient-count').textContent()).toBe('将发送给 1 人');
      await desk.getByRole('button', { name: '发送指令（1 人）' }).click();
      await desk.getByText('指令已下达，1 人接收').waitFor();
      const card = desk.locator('article[data-order-id]', { hasText: title });
      await card.locator('[data-stat=acknowledged] dd', { hasText: '0/1' }).waitFor();
    },
    TEST_MS,
  );

  it(
    'the officer sees it arrive live and acknowledges with one tap',
    async () => {
      const card = phone.locator('article[data-order-id]', { hasText: title });
      await card.waitFor();
      await card.getByRole('button', { name: '签收' }).click();
      await phone.getByRole('tab', { name: /已签收/ }).click();
      await phone.locator('article[data-order-id][data-state=acknowledged]', { hasText: title }).waitFor();
      expect(await phone.evaluate((mark) => (window as unknown as Record<string, unknown>)[mark] === true, MARK)).toBe(
        true,
      );
    },
    TEST_MS,
  );

  it(
    "the dispatcher's board shows it acknowledged, 1/1, without reloading",
    async () => {
      const card = desk.locator('article[data-order-id]', { hasText: title });
      await card.locator('[data-stat=acknowledged] dd', { hasText: '1/1' }).waitFor();
      expect(await card.locator('.pending').count()).toBe(0);
      expect(await desk.evaluate((mark) => (window as unknown as Record<string, unknown>)[mark] === true, MARK)).toBe(
        true,
      );
    },
    TEST_MS,
  );
  it(
    'the officer reports progress and completes with feedback; the board shows it done and its timeline carries the feedback',
    async () => {
      const progress = `已到现场，正在逐户核查 ${title}`;
      const feedback = `核查出租屋 12 户，2 户未登记，已督促补登 ${title}`;
      await phone.locator('article[data-order-id]', { hasText: title }).getByRole('link', { name: title }).click();
      await phone.getByRole('heading', { name: title }).waitFor();
      await phone.getByRole('button', { name: '报告进展' }).click();
      await phone.locator('#report-note').fill(progress);
      await phone.getByRole('button', { name: '提交进展' }).click();
      await phone.getByText(progress).waitFor();
      await phone.getByRole('button', { name: '办结', exact: true }).click();
      await phone.locator('#report-complete').fill(feedback);
      await phone.getByRole('button', { name: '确认办结' }).click();
      await phone.locator('dl.facts div', { hasText: '当前状态' }).locator('.state', { hasText: '已办结' }).waitFor();

      const card = desk.locator('article[data-order-id]', { hasText: title });
      await card.locator('[data-stat=completed] dd', { hasText: '1/1' }).waitFor();
      await card.getByRole('button', { name: title }).click();
      await card.getByText(feedback).waitFor();
      expect(await desk.evaluate((mark) => (window as unknown as Record<string, unknown>)[mark] === true, MARK)).toBe(
        true,
      );
    },
    TEST_MS,
  );
});
