/**
 * Delivery in Chromium, as a resident's phone sees its grid group: a message removed while the
 * phone was offline turns into the placeholder on its return (on screen and in the device's
 * cache); a message stored but never announced (its node died) appears on the next connection;
 * live messages delivered out of order are shown in seq order. Needs the web build (`pnpm build`);
 * skips without Chromium unless REQUIRE_SERVICES=1.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSuiteRuns, launchChromium, signInWithForm } from '../support/browser.ts';
import type { MessageView } from '@fengqiao/hub/protocol';
import { connectSocket, login, startTestHub, type TestHub, type TestSocket } from '@fengqiao/hub/test-support';

const STEP_MS = 15_000;
const TEST_MS = 60_000;

(browserSuiteRuns() ? describe : describe.skip)('message delivery in Chromium', () => {
  let hub: TestHub | undefined;
  let browser: Browser | undefined;
  let officer: TestSocket;
  let officerName: string;
  let officerId: string;
  let group: { id: string; name: string };
  let phone: Page;
  const stamp = Date.now().toString(36);
  let n = 0;

  // Chromium's offline emulation leaves connections to `localhost` alone: use the loopback address.
  const url = (path: string) => `${hub!.url.replace('//localhost:', '//127.0.0.1:')}${path}`;
  const message = (text: string) => phone.locator('.message', { hasText: text });
  const send = async (text: string): Promise<MessageView> => {
    const res = await officer.emitWithAck('message:send', { groupId: group.id, clientId: `del-${stamp}-${++n}`, text });
    if (!res.ok) throw new Error(res.error.message);
    return res.message;
  };
  /** Stores a message the way a send does, but tells nobody: its node died before announcing it. */
  const storeUnannounced = async (text: string): Promise<number> => {
    const db = hub!.hub.store.db;
    return db.transaction().execute(async (trx) => {
      const { last_seq: seq } = await trx
        .updateTable('groups')
        .set((eb) => ({ last_seq: eb('last_seq', '+', 1) }))
        .where('id', '=', group.id)
        .returning('last_seq')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('messages')
        .values({
          id: `01DEL${stamp}${++n}`.toUpperCase(),
          group_id: group.id,
          seq,
          sender_id: officerId,
          client_id: `del-${stamp}-${n}`,
          text,
          reply_to_seq: null,
          mentions: null,
          image_id: null,
          status: 'ok',
          created_at: Date.now(),
          changed_at: null,
        })
        .execute();
      return Number(seq);
    });
  };
  const reconnect = async () => {
    await phone.context().setOffline(true);
    await phone
      .locator('[role=status][data-state=connecting], [role=status][data-state=disconnected]')
      .first()
      .waitFor();
    await phone.context().setOffline(false);
    await phone.locator('[role=status][data-state=connected]').first().waitFor();
  };

  beforeAll(async () => {
    hub = await startTestHub({ web: true });
    const db = hub.hub.store.db;
    const grid = await db
      .selectFrom('units')
      .select(['id', 'parent_id'])
      .where('kind', '=', 'grid')
      .orderBy('sort')
      .executeTakeFirstOrThrow();
    const resident = await db
      .selectFrom('users')
      .select(['login'])
      .where('unit_id', '=', grid.id)
      .where('role', '=', 'resident')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const o = await db
      .selectFrom('users')
      .select(['id', 'login', 'name'])
      .where('unit_id', '=', grid.parent_id!)
      .where('role', '=', 'officer')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    officerId = o.id;
    officerName = o.name;
    group = await db
      .selectFrom('groups')
      .select(['id', 'name'])
      .where('unit_id', '=', grid.id)
      .where('kind', '=', 'grid')
      .executeTakeFirstOrThrow();
    officer = await connectSocket(hub.url, { cookie: (await login(hub.url, o.login)).cookie });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true });
    context.setDefaultTimeout(STEP_MS);
    phone = await context.newPage();
    await signInWithForm(phone, url(''), resident.login, hub.demoPassword, { connected: false });
    await phone.goto(url(`/groups/${group.id}`));
    await phone.getByRole('heading', { name: group.name }).waitFor();
    await phone.locator('[role=status][data-state=connected]').first().waitFor();
  }, TEST_MS);

  afterAll(async () => {
    officer?.close();
    await browser?.close();
    await hub?.close();
  }, TEST_MS);

  it(
    'a message recalled while the phone was offline becomes the placeholder on its return, in its cache too',
    async () => {
      const rude = `发错群了：明早八点所务会 ${stamp}`;
      const sent = await send(rude);
      await message(rude).waitFor();
      await phone.context().setOffline(true);
      await phone
        .locator('[role=status][data-state=connecting], [role=status][data-state=disconnected]')
        .first()
        .waitFor();
      expect(await officer.emitWithAck('message:recall', { groupId: group.id, seq: sent.seq })).toMatchObject({
        ok: true,
        message: { status: 'recalled' },
      });
      await phone.context().setOffline(false);
      await phone.locator('[data-status=recalled]', { hasText: `${officerName} 撤回了一条消息` }).waitFor();
      expect(await phone.getByText(rude).count()).toBe(0);
      await expect.poll(() => phone.evaluate((t) => JSON.stringify(localStorage).includes(t), rude)).toBe(false);
    },
    TEST_MS,
  );

  it(
    'a message stored but never announced appears when the phone connects again',
    async () => {
      const orphan = `节点宕机前已保存：今晚九点停电检修 ${stamp}`;
      await storeUnannounced(orphan);
      await reconnect();
      await message(orphan).waitFor();
    },
    TEST_MS,
  );

  it(
    'live messages delivered out of order are shown in seq order',
    async () => {
      const first = `先发：东门封闭 ${stamp}`;
      const second = `后发：请走西门 ${stamp}`;
      const a = await storeUnannounced(first);
      await storeUnannounced(second);
      const res = await officer.emitWithAck('group:sync', { cursors: { [group.id]: a - 1 } });
      if (!res.ok) throw new Error(res.error.message);
      const [ma, mb] = res.messages;
      // The later seq arrives first (another node announced it sooner); the earlier one follows.
      const room = hub!.hub.realtime.io.to(`group:${group.id}`);
      room.emit('message:created', mb!);
      room.emit('message:created', ma!);
      await message(second).waitFor();
      const texts = await phone.locator('.message').allTextContents();
      const at = (t: string) => texts.findIndex((x) => x.includes(t));
      expect(at(first)).toBeGreaterThanOrEqual(0);
      expect(at(first)).toBeLessThan(at(second));
    },
    TEST_MS,
  );
});
