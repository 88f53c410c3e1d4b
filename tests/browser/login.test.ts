/**
 * The web client end to end in Debian's Chromium: sign-in refusals, sign-in, the live socket,
 * the language switch, sign-out, and the session really being gone afterwards.
 * Needs the web build (`pnpm build`); skips without Chromium unless REQUIRE_SERVICES=1.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSuiteRuns, launchChromium } from '../support/browser.ts';
import { startTestHub, type TestHub } from '@fengqiao/hub/test-support';
import type { Role } from '@fengqiao/hub/protocol';

const STEP_MS = 15_000;
const TEST_MS = 60_000;

interface DemoAccount {
  login: string;
  name: string;
  role: Role;
  unitName: string;
}

(browserSuiteRuns() ? describe : describe.skip)('web client in Chromium', () => {
  let hub: TestHub | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let dispatcher: DemoAccount;

  beforeAll(async () => {
    hub = await startTestHub({ web: true });
    const res = await fetch(`${hub.url}/api/demo/accounts`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { accounts: DemoAccount[] };
    const found = body.accounts.find((a) => a.role === 'dispatcher');
    if (!found) throw new Error('the demo data lists no dispatcher');
    dispatcher = found;
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    context.setDefaultTimeout(STEP_MS);
    page = await context.newPage();
  }, TEST_MS);

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  }, TEST_MS);

  const url = (path: string) => `${hub!.url}${path}`;

  it(
    'refuses a wrong password and stays on /login',
    async () => {
      await page.goto(url('/login'));
      await page.fill('input[name=login]', dispatcher.login);
      await page.fill('input[name=password]', 'not-the-password');
      await page.click('button[type=submit]');
      await page.getByText('账号或密码错误').waitFor();
      expect(new URL(page.url()).pathname).toBe('/login');
    },
    TEST_MS,
  );

  it(
    'signs in, shows the person and a live connection',
    async () => {
      await page.fill('input[name=password]', hub!.demoPassword);
      await page.click('button[type=submit]');
      // A dispatcher's work is the command board: that is where signing in lands.
      await page.waitForURL(url('/command'));
      await page.locator('[role=status][data-state=connected]').first().waitFor();
      await page.getByText('已连接').first().waitFor();
      // On a phone the person's details are on 我的.
      await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '我的', exact: true }).click();
      await page.waitForURL(url('/account'));
      await page.locator('main').getByText(dispatcher.name).first().waitFor();
    },
    TEST_MS,
  );

  it(
    'switches to English',
    async () => {
      await page.getByRole('button', { name: 'EN' }).click();
      await page.getByText('Connected').first().waitFor();
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    },
    TEST_MS,
  );

  it(
    'signs out, and / then sends back to /login',
    async () => {
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL((u) => u.pathname === '/login');
      await page.goto(url('/'));
      await page.waitForURL((u) => u.pathname === '/login');
      await page.locator('input[name=login]').waitFor();
    },
    TEST_MS,
  );
});
