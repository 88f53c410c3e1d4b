/**
 * The outbox across two tabs of one person in Chromium: both tabs queue a chat message while
 * offline. One tab closes before the network returns; the other must still send both, each once.
 * Then, with both tabs open, each queues again: one tab sends both (each command crosses the wire
 * once), and neither tab stays pending. Needs the web build (`pnpm build`); skips without Chromium unless REQUIRE_SERVICES=1.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSuiteRuns, launchChromium, signInWithForm } from '../support/browser.ts';
import { startTestHub, type TestHub } from '@fengqiao/hub/test-support';

const STEP_MS = 15_000;
const METRICS_TOKEN = 'outbox-tabs-metrics-token';
const TEST_MS = 60_000;

(browserSuiteRuns() ? describe : describe.skip)('the outbox shared by two tabs in Chromium', () => {
  let hub: TestHub | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext;
  let residentLogin: string;
  let group: { id: string; name: string };
  const stamp = Date.now().toString(36);

  // Chromium's offline emulation leaves connections to `localhost` alone: use the loopback address.
  const url = (path: string) => `${hub!.url.replace('//localhost:', '//127.0.0.1:')}${path}`;
  const message = (page: Page, text: string) => page.locator('.message', { hasText: text });
  const stored = async (text: string) =>
    (
      await hub!.hub.store.db
        .selectFrom('messages')
        .select('id')
        .where('group_id', '=', group.id)
        .where('text', '=', text)
        .execute()
    ).length;
  /** How many message:send commands the hub has received over sockets, from its own metrics. */
  const sendsReceived = async () => {
    const text = await (
      await fetch(`${hub!.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    ).text();
    return [...text.matchAll(/^hub_socket_events_in_total\{[^}]*event="message:send"[^}]*\} (\d+)$/gm)].reduce(
      (n, m) => n + Number(m[1]),
      0,
    );
  };
  const outboxKeys = (page: Page) =>
    page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('fq.outbox.')));

  /** A tab on the group's page, connected. */
  async function openTab(): Promise<Page> {
    const page = await context.newPage();
    await page.goto(url(`/groups/${group.id}`));
    await page.getByRole('heading', { name: group.name }).waitFor();
    await page.locator('[role=status][data-state=connected]').first().waitFor();
    return page;
  }

  async function goOffline(pages: Page[]): Promise<void> {
    await context.setOffline(true);
    for (const p of pages)
      await p.locator('[role=status][data-state=connecting], [role=status][data-state=disconnected]').first().waitFor();
  }

  async function queue(page: Page, text: string): Promise<void> {
    await page.fill('#chat-input', text);
    await page.keyboard.press('Enter');
    await page.locator('.pending[data-status=queued]', { hasText: text }).waitFor();
  }

  beforeAll(async () => {
    hub = await startTestHub({ web: true, env: { METRICS_TOKEN } });
    const db = hub.hub.store.db;
    const grid = await db
      .selectFrom('units')
      .select('id')
      .where('kind', '=', 'grid')
      .orderBy('sort')
      .executeTakeFirstOrThrow();
    residentLogin = (
      await db
        .selectFrom('users')
        .select('login')
        .where('unit_id', '=', grid.id)
        .where('role', '=', 'resident')
        .orderBy('id')
        .executeTakeFirstOrThrow()
    ).login;
    group = await db
      .selectFrom('groups')
      .select(['id', 'name'])
      .where('unit_id', '=', grid.id)
      .where('kind', '=', 'grid')
      .executeTakeFirstOrThrow();
    browser = await launchChromium();
    context = await browser.newContext();
    context.setDefaultTimeout(STEP_MS);
    const page = await context.newPage();
    await signInWithForm(page, url(''), residentLogin, hub.demoPassword, { connected: false });
    await page.close();
  }, TEST_MS);

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  }, TEST_MS);

  it(
    'what two tabs queued offline is sent once each, though the tab that queued first closed meanwhile',
    async () => {
      const first = await openTab();
      const second = await openTab();
      await goOffline([first, second]);
      const fromFirst = `一号标签页离线消息 ${stamp}`;
      const fromSecond = `二号标签页离线消息 ${stamp}`;
      await queue(first, fromFirst);
      await queue(second, fromSecond);
      await first.close();
      await context.setOffline(false);
      await message(second, fromFirst).waitFor();
      await message(second, fromSecond).waitFor();
      await expect.poll(() => second.locator('.pending').count()).toBe(0);
      expect([await stored(fromFirst), await stored(fromSecond)]).toEqual([1, 1]);
      await expect.poll(() => outboxKeys(second)).toEqual([]);
      await second.close();
    },
    TEST_MS,
  );

  it(
    "with both tabs open, each tab's queued message is sent once and neither tab stays pending",
    async () => {
      const first = await openTab();
      const second = await openTab();
      await goOffline([first, second]);
      const fromFirst = `一号标签页再发 ${stamp}`;
      const fromSecond = `二号标签页再发 ${stamp}`;
      await queue(first, fromFirst);
      await queue(second, fromSecond);
      const sentBefore = await sendsReceived();
      await context.setOffline(false);
      for (const page of [first, second]) {
        await message(page, fromFirst).waitFor();
        await message(page, fromSecond).waitFor();
        await expect.poll(() => page.locator('.pending').count()).toBe(0);
      }
      expect([await stored(fromFirst), await stored(fromSecond)]).toEqual([1, 1]);
      // One tab sent both: two commands on the wire, not one per tab per command.
      expect(await sendsReceived()).toBe(sentBefore + 2);
      await expect.poll(() => outboxKeys(first)).toEqual([]);
    },
    TEST_MS,
  );
});
