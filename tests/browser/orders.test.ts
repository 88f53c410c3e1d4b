/**
 * The closed loop of a command order in Chromium, across two browser contexts: the station
 * dispatcher picks the officer in the target picker and sends; the officer sees the order arrive
 * live and acknowledges it; the dispatcher's board shows it acknowledged, neither page reloaded.
 * The officer then reports progress (the card's latest activity and the 动态 feed show it live) and
 * completes with feedback: the order moves to 已完成, read-only and found by the search, and its
 * timeline carries the feedback. A returned order shows its reason and is re-dispatched (改派) at
 * 1440 and 390 px; the new officer receives it live.
 * Needs the web build (`pnpm build`); skips without Chromium unless REQUIRE_SERVICES=1.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSuiteRuns, launchChromium, signInWithForm } from '../support/browser.ts';
import { connectSocket, login, nextEvent, startTestHub, type TestHub } from '@fengqiao/hub/test-support';
import type { AssignmentView, OrgScopeResponse, Role } from '@fengqiao/hub/protocol';

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

(browserSuiteRuns() ? describe : describe.skip)('command orders in Chromium', () => {
  let hub: TestHub | undefined;
  let browser: Browser | undefined;
  let dispatcher: DemoAccount;
  let officer: DemoAccount;
  let desk: Page;
  let phone: Page;

  const url = (path: string) => `${hub!.url}${path}`;

  /** `base`: the hub's origin to use (the loopback address where a test goes offline). */
  async function signIn(context: BrowserContext, account: DemoAccount, base = hub!.url): Promise<Page> {
    context.setDefaultTimeout(STEP_MS);
    const page = await context.newPage();
    await signInWithForm(page, base, account.login, hub!.demoPassword);
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
    browser = await launchChromium();
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
      // The board's card shows the note as its latest activity, and so does the feed, live.
      const card = desk.locator('article[data-order-id]', { hasText: title });
      await card.getByTestId('latest-activity').getByText(progress).waitFor();
      await desk.getByRole('tab', { name: /动态/ }).click();
      await desk.locator('[data-activity=note]', { hasText: progress }).waitFor();
      await desk.getByRole('tab', { name: /进行中/ }).click();

      await phone.getByRole('button', { name: '办结', exact: true }).click();
      await phone.locator('#report-complete').fill(feedback);
      await phone.getByRole('button', { name: '确认办结' }).click();
      await phone.locator('dl.facts div', { hasText: '当前状态' }).locator('.state', { hasText: '已办结' }).waitFor();

      // Finished: it leaves 进行中 and waits under 已完成, read-only, with its feedback on the timeline.
      await card.waitFor({ state: 'detached' });
      await desk.getByRole('tab', { name: /已完成/ }).click();
      const done = desk.locator('article[data-order-id]', { hasText: title });
      await done.locator('[data-finished=completed]').waitFor();
      await done.locator('[data-stat=completed] dd', { hasText: '1/1' }).waitFor();
      for (const action of ['修改', '撤销', '全部催办'])
        expect(await done.getByRole('button', { name: action }).count()).toBe(0);
      await done.getByRole('button', { name: title }).click();
      await done.getByRole('region', { name: '指令流转记录' }).getByText(feedback).waitFor();
      expect(await desk.evaluate((mark) => (window as unknown as Record<string, unknown>)[mark] === true, MARK)).toBe(
        true,
      );
    },
    TEST_MS,
  );

  it(
    'finds the finished order by text and by person, and not by a term it lacks',
    async () => {
      const search = desk.getByRole('search');
      await search.locator('input[name=text]').fill(title.split(' ')[1]!);
      await search.getByRole('button', { name: '查找' }).click();
      await desk.locator('article[data-order-id]', { hasText: title }).waitFor();
      await search.locator('input[name=text]').fill('没有这样的指令');
      await search.getByRole('button', { name: '查找' }).click();
      await desk.getByText('没有符合条件的已完成指令').waitFor();
      await search.locator('input[name=text]').fill('');
      await search.locator('input[name=person]').fill(officer.name);
      await search.getByRole('button', { name: '查找' }).click();
      await desk.locator('article[data-order-id]', { hasText: title }).waitFor();
      await search.getByRole('button', { name: '清空' }).click();
      await desk.getByRole('tab', { name: /进行中/ }).click();
    },
    TEST_MS,
  );

  /** The dispatcher sends an order to `from` over a socket; `from` hands it back with a reason. */
  async function returnedOrder(orderTitle: string, fromId: string, fromLogin: string, reason: string) {
    const hubUrl = hub!.url;
    const d = await connectSocket(hubUrl, { cookie: (await login(hubUrl, dispatcher.login)).cookie });
    const o = await connectSocket(hubUrl, { cookie: (await login(hubUrl, fromLogin)).cookie });
    try {
      const sent = await d.emitWithAck('order:create', {
        clientId: `bt-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`,
        title: orderTitle,
        body: '请核实情况并反馈。',
        priority: 'urgent',
        targets: [{ kind: 'user', userId: fromId }],
      });
      if (!sent.ok) throw new Error(sent.error.message);
      const back = await o.emitWithAck('order:act', {
        action: 'return',
        orderId: sent.order.id,
        clientId: `bt-r-${Date.now().toString(36)}`,
        text: reason,
      });
      if (!back.ok) throw new Error(back.error.message);
    } finally {
      d.close();
      o.close();
    }
  }

  /** Two officers of the dispatcher's scope other than the main one. */
  async function otherOfficers(): Promise<{ id: string; name: string; login: string }[]> {
    const cookie = (await login(hub!.url, dispatcher.login)).cookie;
    const scope = (await (await fetch(url('/api/org/scope'), { headers: { cookie } })).json()) as OrgScopeResponse;
    const names = scope.people.filter((p) => p.role === 'officer' && p.name !== officer.name);
    const rows = await hub!.hub.store.db
      .selectFrom('users')
      .select(['id', 'name', 'login'])
      .where(
        'id',
        'in',
        names.slice(0, 4).map((p) => p.id),
      )
      .execute();
    // Names unique among them, so the picker's search finds exactly one.
    return rows.filter((r, _i, all) => all.filter((x) => x.name === r.name).length === 1);
  }

  for (const [width, height] of [
    [1440, 900],
    [390, 844],
  ] as const)
    it(
      `shows a returned order's reason and re-dispatches it (改派) in one step at ${width} px`,
      async () => {
        const [from, to] = await otherOfficers();
        if (!from || !to) throw new Error('the demo scope has too few officers');
        const orderTitle = `调解楼道纠纷 ${width} ${Date.now().toString(36)}`;
        const reason = `本人休假至下周 ${width}`;
        const context = await browser!.newContext({ viewport: { width, height } });
        try {
          const page = width === 1440 ? desk : await signIn(context, dispatcher);
          if (page !== desk) {
            await page.goto(url('/command'));
            await page.waitForURL(url('/command'));
          }
          await page.getByRole('tab', { name: /进行中/ }).click();
          const toSocket = await connectSocket(hub!.url, { cookie: (await login(hub!.url, to.login)).cookie });
          try {
            await returnedOrder(orderTitle, from.id, from.login, reason);
            const card = page.locator('article[data-order-id]', { hasText: orderTitle });
            await card.getByTestId('returns').getByText(reason).waitFor();
            await card.getByText('全部退回，待改派').waitFor();
            // 撤销 and 改派 share their footer: a reason is required, and 返回 leaves the order as it was.
            await card.getByRole('button', { name: '撤销' }).click();
            const cancelling = page.getByRole('dialog', { name: '撤销指令' });
            await cancelling.getByRole('button', { name: '确认撤销' }).click();
            await cancelling.getByRole('alert').getByText('请填写撤销原因').waitFor();
            await cancelling.getByRole('button', { name: '返回' }).click();
            await cancelling.waitFor({ state: 'hidden' });
            const arrived = nextEvent<AssignmentView>(toSocket, 'order:assigned', STEP_MS);
            await card.getByRole('button', { name: `改派 ${from.name} 退回的指令` }).click();
            const dialog = page.getByRole('dialog', { name: '改派指令' });
            await dialog.getByText(reason).waitFor();
            await dialog.getByLabel('查找人员').fill(to.name);
            await dialog.getByRole('radio', { name: new RegExp(`^${to.name}`) }).check();
            await dialog.getByRole('button', { name: '确认改派' }).click();
            await dialog.waitFor({ state: 'hidden' });
            await card.getByText(`已改派给 ${to.name}`).waitFor();
            expect((await arrived).order.title).toBe(orderTitle);
            expect(await card.getByRole('button', { name: `改派 ${from.name} 退回的指令` }).count()).toBe(0);
          } finally {
            toSocket.close();
          }
        } finally {
          await context.close();
        }
      },
      TEST_MS,
    );

  it(
    'catches the activity feed up after the connection was down',
    async () => {
      const someone = (await otherOfficers()).at(-1)!;
      // Chromium's offline emulation leaves connections to `localhost` alone: use the loopback address.
      const base = hub!.url.replace('//localhost:', '//127.0.0.1:');
      const context = await browser!.newContext({ viewport: { width: 1440, height: 900 } });
      try {
        const page = await signIn(context, dispatcher, base);
        await page.goto(`${base}/command`);
        await page.getByRole('tab', { name: /动态/ }).click();
        await page.locator('[data-activity]').first().waitFor();
        await context.setOffline(true);
        await page
          .locator('[role=status][data-state=connecting], [role=status][data-state=disconnected]')
          .first()
          .waitFor();
        const note = `离线期间的进展 ${Date.now().toString(36)}`;
        const d = await connectSocket(hub!.url, { cookie: (await login(hub!.url, dispatcher.login)).cookie });
        const o = await connectSocket(hub!.url, { cookie: (await login(hub!.url, someone.login)).cookie });
        try {
          const sent = await d.emitWithAck('order:create', {
            clientId: `bt-off-${Date.now().toString(36)}`,
            title: `离线补齐 ${Date.now().toString(36)}`,
            body: '请报告进展。',
            priority: 'routine',
            targets: [{ kind: 'user', userId: someone.id }],
          });
          if (!sent.ok) throw new Error(sent.error.message);
          const res = await o.emitWithAck('order:act', {
            action: 'note',
            orderId: sent.order.id,
            clientId: `bt-note-${Date.now().toString(36)}`,
            text: note,
          });
          if (!res.ok) throw new Error(res.error.message);
        } finally {
          d.close();
          o.close();
        }
        // Written while the page's socket was down: no live push reached it; the catch-up must.
        await context.setOffline(false);
        await page.locator('[role=status][data-state=connected]').first().waitFor();
        await page.locator('[data-activity=note]', { hasText: note }).waitFor();
      } finally {
        await context.close();
      }
    },
    TEST_MS,
  );
});
