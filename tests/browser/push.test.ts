/**
 * The installable app in Chromium: a valid manifest with its icons, the service worker in control,
 * the shell, the last copy of the page and the officer's last inbox offline, and a notification shown — with 签收 — when
 * a push message is dispatched to the service worker (through DevTools, as a push service would).
 * Needs the web build (`pnpm build`); skips without Chromium unless REQUIRE_SERVICES=1.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSuiteRuns, launchChromium, signInWithForm } from '../support/browser.ts';
import { connectSocket, demoLogin, login, startTestHub, type TestHub } from '@fengqiao/hub/test-support';
import type { PushMessage } from '@fengqiao/hub/protocol';

const STEP_MS = 15_000;
const TEST_MS = 90_000;

interface Manifest {
  name: string;
  short_name: string;
  start_url: string;
  display: string;
  icons: { src: string; sizes: string; type: string; purpose?: string }[];
}

(browserSuiteRuns() ? describe : describe.skip)('the installable app and its service worker', () => {
  let hub: TestHub | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    hub = await startTestHub({ web: true });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    await context.grantPermissions(['notifications'], { origin: hub.url });
    context.setDefaultTimeout(STEP_MS);
    page = await context.newPage();
    await signInWithForm(page, hub.url, await demoLogin(hub.hub, 'officer'), hub.demoPassword, { connected: false });
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    // Controlled from the next load on: this one fills the page cache.
    await page.reload();
    await page.locator('[role=status][data-state=connected]').first().waitFor();
  }, TEST_MS);

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  }, TEST_MS);

  it(
    'has a valid manifest with installable icons, and a service worker in control',
    async () => {
      const href = await page.locator('link[rel=manifest]').getAttribute('href');
      expect(href).toBeTruthy();
      const res = await page.request.get(new URL(href!, hub!.url).toString());
      expect(res.status()).toBe(200);
      const m = (await res.json()) as Manifest;
      expect(m.name).toBe('枫桥通');
      expect(m.short_name).toBeTruthy();
      expect(m.display).toBe('standalone');
      expect(new URL(m.start_url, hub!.url).origin).toBe(new URL(hub!.url).origin);
      for (const size of ['192x192', '512x512'])
        expect(m.icons.some((i) => i.sizes === size && i.type === 'image/png')).toBe(true);
      expect(m.icons.some((i) => i.purpose === 'maskable')).toBe(true);
      for (const icon of m.icons) {
        const r = await page.request.get(new URL(icon.src, hub!.url).toString());
        expect(r.status(), icon.src).toBe(200);
        expect(r.headers()['content-type']).toContain('image/png');
      }
      expect(await page.evaluate(() => navigator.serviceWorker.controller?.state)).toBe('activated');
      expect(await page.locator('meta[name=theme-color]').getAttribute('content')).toBeTruthy();
    },
    TEST_MS,
  );

  it(
    'opens the shell and the last copy of a page offline',
    async () => {
      await page.goto(`${hub!.url}/orders`);
      await page.locator('[role=status][data-state=connected]').first().waitFor();
      await context.setOffline(true);
      try {
        await page.reload();
        await expect.poll(() => page.getByRole('navigation', { name: '主导航' }).count()).toBeGreaterThan(0);
        await page.goto(`${hub!.url}/`);
        await expect.poll(() => page.getByRole('navigation', { name: '主导航' }).count()).toBeGreaterThan(0);
      } finally {
        await context.setOffline(false);
      }
    },
    TEST_MS,
  );

  it(
    "keeps the officer's last inbox offline: an order received online is still listed after an offline reload",
    async () => {
      const db = hub!.hub.store.db;
      const officer = await db
        .selectFrom('users')
        .innerJoin('units', 'units.id', 'users.unit_id')
        .select(['users.id', 'units.parent_id'])
        .where('users.login', '=', await demoLogin(hub!.hub, 'officer'))
        .executeTakeFirstOrThrow();
      // A dispatcher of the officer's own station (their command room sits beside the officer's squad).
      const dispatcher = await db
        .selectFrom('users')
        .innerJoin('units', 'units.id', 'users.unit_id')
        .select('users.login')
        .where('users.role', '=', 'dispatcher')
        .where('units.parent_id', '=', officer.parent_id)
        .executeTakeFirstOrThrow();
      const desk = await connectSocket(hub!.url, { cookie: (await login(hub!.url, dispatcher.login)).cookie });
      const title = `离线可见的指令 ${Date.now().toString(36)}`;
      try {
        await page.goto(`${hub!.url}/orders`);
        await page.locator('[role=status][data-state=connected]').first().waitFor();
        const sent = await desk.emitWithAck('order:create', {
          clientId: `offline-${Date.now()}`,
          title,
          body: '核查辖区内的出租屋登记情况。',
          priority: 'urgent',
          targets: [{ kind: 'user', userId: officer.id }],
        });
        expect(sent).toMatchObject({ ok: true });
        await page.getByText(title).first().waitFor();
      } finally {
        desk.close();
      }
      await context.setOffline(true);
      try {
        await page.reload();
        await page.getByText(title).first().waitFor();
        expect(await page.locator('[role=status][data-state=connected]').count()).toBe(0);
      } finally {
        await context.setOffline(false);
      }
    },
    TEST_MS,
  );

  it(
    'shows a notification with 签收 when a push message reaches the service worker',
    async () => {
      const cdp = await context.newCDPSession(page);
      const registration = new Promise<string>((resolve) =>
        cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
          const r = registrations.find((x) => x.scopeURL.startsWith(hub!.url) && !x.isDeleted);
          if (r) resolve(r.registrationId);
        }),
      );
      await cdp.send('ServiceWorker.enable');
      const message: PushMessage = {
        kind: 'flash',
        title: '特急指令',
        body: '立即封控路口',
        url: '/orders/01TESTORDER',
        tag: 'order:01TESTORDER',
        orderId: '01TESTORDER',
      };
      await cdp.send('ServiceWorker.deliverPushMessage', {
        origin: new URL(hub!.url).origin,
        registrationId: await registration,
        data: JSON.stringify(message),
      });
      await expect
        .poll(() =>
          page.evaluate(async () => {
            const reg = await navigator.serviceWorker.ready;
            return (await reg.getNotifications()).map((n) => ({
              title: n.title,
              body: n.body,
              tag: n.tag,
              actions: ((n as unknown as { actions?: { action: string; title: string }[] }).actions ?? []).map(
                (a) => a.title,
              ),
            }));
          }),
        )
        .toEqual([{ title: '特急指令', body: '立即封控路口', tag: 'order:01TESTORDER', actions: ['签收'] }]);
    },
    TEST_MS,
  );
});
