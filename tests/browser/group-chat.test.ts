/**
 * Grid group chat in Chromium, across two browser contexts: a resident of the first grid (on a
 * phone) and the officer of its community (at a desk) talk in the grid's group. The resident
 * recalls a message and the officer sees the placeholder; a message written offline waits as
 * 待发送 and arrives once; the officer registers the resident's message as a matter (登记问题)
 * and answers it, and the answer reaches the resident quoting the original. Between those: an
 * @mention picked from the autocomplete, an image (and a file refused as no image), a pinned
 * notice read live, a message the officer removes, and a mute the resident sees at once. Neither
 * page reloads. Last, a long group (600 messages over three days) is scrolled back to its first
 * message. Needs the web build (`pnpm build`); skips without Chromium unless REQUIRE_SERVICES=1.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSuiteRuns, launchChromium, signInWithForm } from '../support/browser.ts';
import { startTestHub, type TestHub } from '@fengqiao/hub/test-support';

const STEP_MS = 15_000;
const TEST_MS = 60_000;

/** A 2 × 2 PNG, made here so the test needs no image file. */
function tinyPng(): Buffer {
  return Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGM4kWIERAwQCgAorgV5QuEn7gAAAABJRU5ErkJggg==',
    'base64',
  );
}

/** Set on a page's window; still there later means the page never reloaded. */
const MARK = '__fqNoReload';

(browserSuiteRuns() ? describe : describe.skip)('grid group chat in Chromium', () => {
  let hub: TestHub | undefined;
  let browser: Browser | undefined;
  let resident: { id: string; login: string; name: string };
  let officer: { login: string; name: string };
  let group: { id: string; name: string };
  let phone: Page;
  let desk: Page;

  // Chromium's offline emulation leaves connections to `localhost` alone: use the loopback address.
  const url = (path: string) => `${hub!.url.replace('//localhost:', '//127.0.0.1:')}${path}`;
  const stamp = Date.now().toString(36);
  const question = `东门路灯坏了，晚上很黑，请尽快修理 ${stamp}`;
  const slip = `发错了，请忽略 ${stamp}`;
  const answer = `已联系物业，今晚修复东门路灯 ${stamp}`;
  const offline = `地下室进水了，电梯停用 ${stamp}`;
  const mention = `请问是哪个门？ ${stamp}`;
  const notice = `本周六上午在社区广场开展反诈宣传 ${stamp}`;
  const rude = `广告：低价代办证件 ${stamp}`;

  async function signIn(context: BrowserContext, login: string): Promise<Page> {
    context.setDefaultTimeout(STEP_MS);
    const page = await context.newPage();
    // Each role lands on its own home (residents on the hotline): anywhere but the login page.
    await signInWithForm(page, url(''), login, hub!.demoPassword);
    return page;
  }

  /** Opens the group from the navigation and the group list, and marks the page. */
  async function openGroup(page: Page): Promise<void> {
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: /^群聊/ }).click();
    await page.waitForURL(url('/groups'));
    await page.locator(`a[data-group-id="${group.id}"]`).click();
    await page.waitForURL(url(`/groups/${group.id}`));
    await page.getByRole('heading', { name: group.name }).waitFor();
    await page.evaluate((mark) => Object.assign(window, { [mark]: true }), MARK);
  }

  const message = (page: Page, text: string) => page.locator('.message', { hasText: text });
  /** The "N 人在线" of the chat's header. */
  const onlineCount = async (page: Page) =>
    Number(/(\d+) 人在线/.exec((await page.locator('header.head .title p').textContent()) ?? '')?.[1] ?? NaN);
  const notReloaded = (page: Page) =>
    page.evaluate((mark) => (window as unknown as Record<string, unknown>)[mark] === true, MARK);

  beforeAll(async () => {
    hub = await startTestHub({ web: true });
    const db = hub.hub.store.db;
    const grid = await db
      .selectFrom('units')
      .select(['id', 'parent_id'])
      .where('kind', '=', 'grid')
      .orderBy('sort')
      .executeTakeFirstOrThrow();
    resident = await db
      .selectFrom('users')
      .select(['id', 'login', 'name'])
      .where('unit_id', '=', grid.id)
      .where('role', '=', 'resident')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    officer = await db
      .selectFrom('users')
      .select(['login', 'name'])
      .where('unit_id', '=', grid.parent_id!)
      .where('role', '=', 'officer')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    group = await db
      .selectFrom('groups')
      .select(['id', 'name'])
      .where('unit_id', '=', grid.id)
      .where('kind', '=', 'grid')
      .executeTakeFirstOrThrow();
    browser = await launchChromium();
    phone = await signIn(
      await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true }),
      resident.login,
    );
    desk = await signIn(await browser.newContext({ viewport: { width: 1440, height: 900 } }), officer.login);
  }, TEST_MS);

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  }, TEST_MS);

  it(
    'both open the grid group from 群聊, the resident too',
    async () => {
      await openGroup(phone);
      await openGroup(desk);
      // A grid's group opens with its matters beside it on a wide screen; a phone keeps them behind 问题.
      await desk.locator('#chat-side').getByText('登记的问题').waitFor();
      expect(await phone.locator('#chat-side').count()).toBe(0);
    },
    TEST_MS,
  );

  it(
    "the resident's message reaches the officer live",
    async () => {
      await phone.fill('#chat-input', question);
      await phone.getByRole('button', { name: '发送', exact: true }).click();
      await message(phone, question).waitFor();
      await message(desk, question).waitFor();
      await expect.poll(() => phone.locator('.pending').count()).toBe(0);
    },
    TEST_MS,
  );

  it(
    'an address in a message opens in a new tab, safely; a javascript: one stays text',
    async () => {
      const address = `https://example.com/notice?id=${stamp}`;
      const text = `物业通知见 ${address}，勿点 javascript:alert(1) ${stamp}`;
      await desk.locator('#chat-input').fill(text);
      await desk.keyboard.press('Enter');
      const row = message(phone, '物业通知见');
      const link = row.getByRole('link', { name: address });
      await link.waitFor();
      expect(await link.getAttribute('href')).toBe(address);
      expect(await link.getAttribute('target')).toBe('_blank');
      expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
      expect(await row.locator('.text a').count()).toBe(1);
      expect(await row.locator('.text').textContent()).toBe(text);
    },
    TEST_MS,
  );

  it(
    'the resident recalls a message and the officer sees the placeholder',
    async () => {
      await phone.fill('#chat-input', slip);
      await phone.keyboard.press('Enter');
      await message(desk, slip).waitFor();
      await message(phone, slip).getByRole('button', { name: '消息操作' }).click();
      await phone.getByRole('dialog').getByRole('button', { name: '撤回' }).click();
      await phone.locator('[data-status=recalled]', { hasText: '你撤回了一条消息' }).waitFor();
      await desk.locator('[data-status=recalled]', { hasText: `${resident.name} 撤回了一条消息` }).waitFor();
      expect(await desk.getByText(slip).count()).toBe(0);
      expect(await phone.getByText(slip).count()).toBe(0);
    },
    TEST_MS,
  );

  it(
    'a message written offline waits as 待发送 and arrives once the phone is back',
    async () => {
      const before = await onlineCount(desk);
      await phone.context().setOffline(true);
      await phone
        .locator('[role=status][data-state=connecting], [role=status][data-state=disconnected]')
        .first()
        .waitFor();
      // The officer's online count follows the resident's phone within seconds, not at the next poll.
      await expect.poll(() => onlineCount(desk), { timeout: STEP_MS }).toBe(before - 1);
      await phone.fill('#chat-input', offline);
      await phone.keyboard.press('Enter');
      await phone.locator('.pending[data-status=queued]', { hasText: offline }).getByText('待发送').waitFor();
      await phone.context().setOffline(false);
      await message(desk, offline).waitFor();
      await message(phone, offline).waitFor();
      await expect.poll(() => onlineCount(desk), { timeout: STEP_MS }).toBe(before);
      await expect.poll(() => phone.locator('.pending').count()).toBe(0);
      expect(await message(desk, offline).count()).toBe(1);
    },
    TEST_MS,
  );

  it(
    "the officer registers the resident's message as a matter",
    async () => {
      await message(desk, question).getByRole('button', { name: '消息操作' }).click();
      await desk.getByRole('dialog').getByRole('button', { name: '登记问题' }).click();
      const form = desk.getByRole('dialog', { name: '登记问题' });
      // One chip looks chosen: the dialog starts on the summary, and a focus ring never passes for a choice.
      const chosenLooking = form.locator('.categories label.on, .categories label:has(input:focus-visible)');
      expect(await form.locator('input[name=title]').evaluate((el) => el === document.activeElement)).toBe(true);
      expect(await chosenLooking.count()).toBe(1);
      await form.locator('label', { hasText: '安全隐患' }).click();
      expect(await form.getByLabel('安全隐患').isChecked()).toBe(true);
      expect(await chosenLooking.count()).toBe(1);
      expect(await form.locator('input[name=category]:checked').count()).toBe(1);
      await form.getByRole('button', { name: '登记', exact: true }).click();
      await desk
        .getByText(/^已登记：/)
        .first()
        .waitFor();
      const card = desk.locator('article[data-matter-id]', { hasText: '东门路灯坏了' });
      await card.getByText('待处理').waitFor();
      // The resident sees it registered on their own message.
      await message(phone, question)
        .getByRole('button', { name: /^已登记：东门路灯坏了/ })
        .waitFor();
    },
    TEST_MS,
  );

  it(
    'the officer mentions the resident through the autocomplete; the resident sees it marked for them',
    async () => {
      await desk.locator('#chat-input').fill('');
      await desk.locator('#chat-input').pressSequentially(`@${resident.name.slice(0, 1)}`);
      const option = desk.getByRole('option', { name: new RegExp(`@${resident.name}`) });
      await option.waitFor();
      await desk.keyboard.press('Enter');
      expect(await desk.locator('#chat-input').inputValue()).toBe(`@${resident.name} `);
      await desk.locator('#chat-input').pressSequentially(mention);
      await desk.keyboard.press('Enter');
      const seen = message(phone, mention);
      await seen.locator('.mention', { hasText: `@${resident.name}` }).waitFor();
      await seen.locator('.bubble.mentions-me').waitFor();
    },
    TEST_MS,
  );

  it(
    'a resident is offered no @所有人, and a file that is no image is refused before upload',
    async () => {
      await phone.locator('#chat-input').fill('');
      await phone.locator('#chat-input').pressSequentially('@');
      await phone.getByRole('option', { name: new RegExp(`@${officer.name}`) }).waitFor();
      expect(await phone.getByRole('option', { name: /所有人/ }).count()).toBe(0);
      await phone.locator('#chat-input').fill('');
      await phone
        .locator('input[type=file]')
        .setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image') });
      await phone.getByRole('alert').filter({ hasText: '只能发送 JPG、PNG、WebP 或 GIF 格式的图片' }).waitFor();
    },
    TEST_MS,
  );

  it(
    'the resident sends an image; the officer sees its thumbnail',
    async () => {
      await phone
        .locator('input[type=file]')
        .setInputFiles({ name: 'lamp.png', mimeType: 'image/png', buffer: tinyPng() });
      const thumb = desk.locator('.message button.thumb img').last();
      await thumb.waitFor();
      await expect.poll(() => thumb.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    },
    TEST_MS,
  );

  it(
    'the officer pins a notice; the resident sees it live and the officer sees it read',
    async () => {
      await desk.getByRole('button', { name: '成员', exact: true }).click();
      await desk.getByRole('button', { name: '发布群公告' }).click();
      await desk.locator('#notice-text').fill(notice);
      await desk.getByRole('button', { name: '发布', exact: true }).click();
      await phone.locator('section.notice', { hasText: notice }).waitFor();
      await desk.locator('section.notice .summary').click();
      // The resident who saw it is listed under 已读 (the sheet is read afresh each time it opens).
      const sheet = desk.getByRole('dialog', { name: '消息接收人列表' });
      await expect
        .poll(async () => {
          await desk.getByTestId('notice-read-status').click();
          await sheet.getByTestId('readers-tab-read').click();
          const names = (
            await sheet
              .getByTestId('readers-read')
              .allTextContents()
              .catch(() => [])
          ).join(' ');
          await sheet.getByRole('button', { name: '关闭' }).click();
          return names.includes(resident.name);
        })
        .toBe(true);
    },
    TEST_MS,
  );

  it(
    "the officer removes a resident's message; both see the placeholder",
    async () => {
      await phone.fill('#chat-input', rude);
      await phone.keyboard.press('Enter');
      await message(desk, rude).getByRole('button', { name: '消息操作' }).click();
      await desk.getByRole('dialog').getByRole('button', { name: '移除' }).click();
      await phone.locator('[data-status=removed]', { hasText: '消息已被移除' }).waitFor();
      await desk.locator('[data-status=removed]', { hasText: '消息已被移除' }).waitFor();
      expect(await phone.getByText(rude).count()).toBe(0);
    },
    TEST_MS,
  );

  it(
    'the officer mutes the resident, whose composer says so at once, then lifts it',
    async () => {
      const row = desk.locator(`li[data-user-id="${resident.id}"]`);
      if ((await row.count()) === 0) await desk.getByRole('button', { name: '成员', exact: true }).click();
      await row.getByRole('button', { name: '管理' }).click();
      await row.getByRole('button', { name: '禁言', exact: true }).click();
      await row.getByText(/禁言至/).waitFor();
      await phone.getByRole('status').filter({ hasText: '您已被禁言' }).waitFor();
      expect(await phone.locator('#chat-input').count()).toBe(0);
      await row.getByRole('button', { name: '解除禁言' }).click();
      await phone.locator('#chat-input').waitFor();
    },
    TEST_MS,
  );

  it(
    'the officer answers it; the resident gets the answer quoting the original',
    async () => {
      // The members took the place of the matters beside the chat: bring the matters back.
      const mattersButton = desk.getByRole('button', { name: /^问题/ });
      if ((await mattersButton.getAttribute('aria-expanded')) !== 'true') await mattersButton.click();
      const card = desk.locator('article[data-matter-id]', { hasText: '东门路灯坏了' });
      await card.getByRole('button', { name: '答复办结' }).click();
      await card.getByLabel('答复内容').fill(answer);
      await card.getByRole('button', { name: '发送答复并办结' }).click();
      // The tag on the message follows the matter: 已办结 now, for both, and no 已登记 left over.
      await message(desk, question)
        .getByRole('button', { name: /^已办结：东门路灯坏了/ })
        .waitFor();
      await message(phone, question)
        .getByRole('button', { name: /^已办结：东门路灯坏了/ })
        .waitFor();
      expect(
        await message(phone, question)
          .getByText(/已登记/)
          .count(),
      ).toBe(0);

      const reply = message(phone, answer);
      await reply.waitFor();
      await reply.locator('.quote', { hasText: question }).waitFor();
      expect(await reply.locator('.who').textContent()).toContain(officer.name);
      expect(await notReloaded(phone)).toBe(true);
      expect(await notReloaded(desk)).toBe(true);
    },
    TEST_MS,
  );
  it(
    'a search hit opens the chat at that message, in view and highlighted',
    async () => {
      await phone.goto(url('/groups/search'));
      await phone.getByLabel('输入关键词，如“楼道”“噪音”').fill(`东门路灯坏了，晚上很黑`);
      await phone.getByRole('button', { name: '搜索', exact: true }).click();
      await phone.locator('a[data-seq]', { hasText: question }).click();
      await phone.waitForURL((u) => u.pathname === `/groups/${group.id}` && u.searchParams.has('seq'));
      const hit = phone.locator('.message.flash', { hasText: question });
      await hit.waitFor();
      const box = await hit.boundingBox();
      expect(box && box.y >= 0 && box.y + box.height <= 844).toBe(true);
    },
    TEST_MS,
  );

  it(
    'a unit group opens without the matters beside it, even on a wide screen',
    async () => {
      const staffGroup = await hub!.hub.store.db
        .selectFrom('groups')
        .innerJoin('group_members', 'group_members.group_id', 'groups.id')
        .innerJoin('users', 'users.id', 'group_members.user_id')
        .select(['groups.id', 'groups.name'])
        .where('users.login', '=', officer.login)
        .where('groups.kind', '=', 'station_staff')
        .executeTakeFirstOrThrow();
      await desk.goto(url(`/groups/${staffGroup.id}`));
      await desk.getByRole('heading', { name: staffGroup.name }).waitFor();
      await desk.locator('#chat-input').waitFor();
      expect(await desk.locator('#chat-side').count()).toBe(0);
      expect(await desk.getByRole('button', { name: /^问题/ }).getAttribute('aria-expanded')).toBe('false');
    },
    TEST_MS,
  );

  it('a long group opens at its newest message, renders only what is on screen, and loads older messages on scrolling up to the first', async () => {
    const db = hub!.hub.store.db;
    const second = await db
      .selectFrom('groups')
      .select(['id', 'name', 'last_seq'])
      .where('kind', '=', 'grid')
      .where('id', '!=', group.id)
      .where('name', 'like', '%第二网格%')
      .executeTakeFirstOrThrow();
    const me = await db.selectFrom('users').select('id').where('login', '=', officer.login).executeTakeFirstOrThrow();
    const count = 600;
    const now = Date.now();
    const first = second.last_seq + 1;
    // Seeded straight into the store: three days of history, every message already read by the officer.
    const rows = Array.from({ length: count }, (_, i) => ({
      id: `hist-${stamp}-${i}`,
      group_id: second.id,
      seq: first + i,
      sender_id: me.id,
      client_id: `hist-${stamp}-${i}`,
      text: `历史消息 ${first + i}`,
      reply_to_seq: null,
      status: 'ok' as const,
      created_at: now - (count - i) * 7 * 60_000,
      changed_at: null,
      mentions: null,
      image_id: null,
    }));
    for (let i = 0; i < rows.length; i += 100)
      await db
        .insertInto('messages')
        .values(rows.slice(i, i + 100))
        .execute();
    const last = first + count - 1;
    await db.updateTable('groups').set({ last_seq: last }).where('id', '=', second.id).execute();
    await db
      .updateTable('group_members')
      .set({ read_seq: last })
      .where('group_id', '=', second.id)
      .where('user_id', '=', me.id)
      .execute();

    await desk.goto(url(`/groups/${second.id}`));
    await desk.getByRole('heading', { name: second.name }).waitFor();
    await desk.locator('.message .text', { hasText: new RegExp(`^历史消息 ${last}$`) }).waitFor();
    expect(await desk.locator('.message').count()).toBeLessThan(50);

    const list = desk.getByRole('region', { name: `${second.name} 的消息` });
    await list.hover();
    await expect
      .poll(
        async () => {
          await desk.mouse.wheel(0, -5000);
          return desk.getByText('以上是本群的全部消息').count();
        },
        { timeout: 50_000, interval: 150 },
      )
      .toBe(1);
    await desk.locator('.message .text', { hasText: new RegExp(`^历史消息 ${first}$`) }).waitFor();
    // All 600 are held now; the page still renders only a window of them.
    expect(await desk.locator('.message').count()).toBeLessThan(100);
    // The oldest messages are days old: their separator names a date, not 今天 or 昨天.
    expect(await desk.locator('p.day').first().textContent()).not.toMatch(/今天|昨天/);
  }, 90_000);
});
