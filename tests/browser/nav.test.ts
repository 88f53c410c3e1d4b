/**
 * The navigation in Chromium for each kind of person: on a phone (390 px) every section of the
 * role is reachable, as a tab at the foot of the screen or in the 更多 sheet (which Escape and a
 * tap outside close); on a desk (1440 px) every section is in view at once, with no 更多.
 * Needs the web build (`pnpm build`); skips without Chromium unless REQUIRE_SERVICES=1.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSuiteRuns, launchChromium, signInWithForm } from '../support/browser.ts';
import { startTestHub, type TestHub } from '@fengqiao/hub/test-support';
import type { Role } from '@fengqiao/hub/protocol';

const STEP_MS = 15_000;
const TEST_MS = 60_000;

/** What each role may open, by its link's name (zh-CN). */
const SECTIONS: Partial<Record<Role, { sections: string[]; first: string[] }>> = {
  officer: { sections: ['我的指令', '群聊', '所长热线', '我的'], first: ['我的指令', '群聊'] },
  dispatcher: { sections: ['指挥台', '警情登记', '我的指令', '群聊', '所长热线', '报表', '我的'], first: ['指挥台'] },
  station_head: {
    sections: ['概览', '指挥台', '警情登记', '我的指令', '群聊', '所长热线', '报表', '管理', '我的'],
    first: ['概览', '所长热线'],
  },
  resident: { sections: ['所长热线', '群聊', '我的'], first: ['所长热线', '群聊'] },
};

(browserSuiteRuns() ? describe : describe.skip)('navigation on a phone and on a desk', () => {
  let hub: TestHub | undefined;
  let browser: Browser | undefined;
  let logins: Map<Role, string>;

  async function signIn(role: Role, width: number): Promise<Page> {
    const context = await browser!.newContext({ viewport: { width, height: width < 900 ? 844 : 900 } });
    context.setDefaultTimeout(STEP_MS);
    const page = await context.newPage();
    await signInWithForm(page, hub!.url, logins.get(role)!, hub!.demoPassword);
    return page;
  }

  /** The names of the links in view in the main navigation, in order, badges left out. */
  function visibleLinks(page: Page): Promise<string[]> {
    const links = page.getByRole('navigation', { name: '主导航' }).locator('a:visible');
    return links.evaluateAll((els) => els.map((el) => (el.textContent ?? '').replace(/[\d+]/g, '').trim()));
  }

  beforeAll(async () => {
    hub = await startTestHub({ web: true });
    const res = await fetch(`${hub.url}/api/demo/accounts`);
    const { accounts } = (await res.json()) as { accounts: { login: string; role: Role }[] };
    logins = new Map();
    for (const a of accounts) if (!logins.has(a.role)) logins.set(a.role, a.login);
    browser = await launchChromium();
  }, TEST_MS);

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  }, TEST_MS);

  for (const [role, { sections, first }] of Object.entries(SECTIONS) as [
    Role,
    { sections: string[]; first: string[] },
  ][]) {
    it(
      `${role}: at 390 px every section is a tab or in 更多, the role's own first`,
      async () => {
        const page = await signIn(role, 390);
        const nav = page.getByRole('navigation', { name: '主导航' });
        const tabs = await visibleLinks(page);
        expect(tabs.length).toBeLessThanOrEqual(5);
        expect(tabs.slice(0, first.length)).toEqual(first);
        const more = nav.getByRole('button', { name: /^更多/ });
        let inSheet: string[] = [];
        if ((await more.count()) > 0) {
          expect(tabs.length).toBe(4);
          await more.click();
          const sheet = page.getByRole('dialog', { name: '更多' });
          await sheet.waitFor();
          inSheet = await sheet
            .getByRole('link')
            .evaluateAll((els) => els.map((el) => (el.textContent ?? '').replace(/[\d+]/g, '').trim()));
          expect(await more.getAttribute('aria-expanded')).toBe('true');
          await page.keyboard.press('Escape');
          await sheet.waitFor({ state: 'hidden' });
          // The dialog's close event, which the bar listens to, comes a moment after it hides.
          await expect.poll(() => more.getAttribute('aria-expanded')).toBe('false');
          // A tap on the dimmed page above the sheet closes it too.
          await more.click();
          await sheet.waitFor();
          await page.mouse.click(195, 60);
          await sheet.waitFor({ state: 'hidden' });
          // A section in the sheet opens, and 更多 then holds the current page.
          await more.click();
          const last = inSheet[inSheet.length - 1]!;
          await sheet.getByRole('link', { name: last }).click();
          await sheet.waitFor({ state: 'hidden' });
          await page.waitForURL((u) => u.pathname !== '/');
          await more.click();
          expect(await sheet.getByRole('link', { name: last }).getAttribute('aria-current')).toBe('page');
        }
        expect([...tabs, ...inSheet].sort()).toEqual([...sections].sort());
        await page.context().close();
      },
      TEST_MS,
    );

    it(
      `${role}: at 1440 px every section is in view, with no 更多`,
      async () => {
        const page = await signIn(role, 1440);
        const nav = page.getByRole('navigation', { name: '主导航' });
        expect((await visibleLinks(page)).sort()).toEqual([...sections].sort());
        // 我的 is also the start of 我的指令; other names carry their badge's label after them.
        for (const name of sections)
          expect(await nav.getByRole('link', { name, exact: name === '我的' }).isVisible()).toBe(true);
        expect(await nav.getByRole('button', { name: /^更多/ }).count()).toBe(0);
        await page.context().close();
      },
      TEST_MS,
    );
  }
});
