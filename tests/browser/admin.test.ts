/**
 * Going live in Chromium, on a fresh production store (no demo data): the first administrator
 * comes in through the one-time /setup link (a wrong secret is refused, the link then says set-up
 * is done), builds a station in the unit tree (a duplicate station code refused in Chinese),
 * imports staff from a CSV (dry run, then 确认导入), resets an officer's password; that officer
 * signs in with the temporary password, is made to change it before anything else, and lands on
 * their inbox. On /account the administrator sees their two devices and signs the other one out.
 * Needs the web build (`pnpm build`); skips without Chromium unless REQUIRE_SERVICES=1.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSuiteRuns, launchChromium } from '../support/browser.ts';
import { startTestHub, type TestHub } from '@fengqiao/hub/test-support';

const STEP_MS = 15_000;
const TEST_MS = 90_000;

const ADMIN = { login: 'zhaoadmin', name: '赵管理', password: 'Fengqiao-Admin-2026' };
const OFFICER = { login: '318002', name: '李卫东', password: 'Taoyuan-Patrol-88' };

/** A roster as a station keeps it: Chinese headers, units by name, roles in Chinese. */
const ROSTER = [
  '姓名,警号,职务,角色,所属单位,手机号',
  '王建华,318001,中队长,民警,社区警务中队,13800000001',
  `${OFFICER.name},${OFFICER.login},,民警,社区警务中队,13800000002`,
  '陈静,318003,,辅警,社区警务中队,',
  '刘洋,318004,值班长,指挥调度,勤务指挥室,13800000004',
].join('\r\n');

(browserSuiteRuns() ? describe : describe.skip)('going live: administration in Chromium', () => {
  let hub: TestHub | undefined;
  let browser: Browser | undefined;
  let desk: Page;

  const url = (path: string) => `${hub!.url}${path}`;

  /** Opens a dialog's form by its title, fills nothing: the caller does. */
  function dialog(title: string | RegExp) {
    return desk.getByRole('dialog', { name: title });
  }

  beforeAll(async () => {
    hub = await startTestHub({ web: true, demo: false });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    context.setDefaultTimeout(STEP_MS);
    desk = await context.newPage();
  }, TEST_MS);

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  }, TEST_MS);

  it(
    'a production store has no account: /setup with a wrong secret is refused',
    async () => {
      const demo = await fetch(url('/api/demo/accounts'));
      expect(demo.status).toBe(404);
      await desk.goto(url('/setup#not-the-secret'));
      await desk.fill('#setup-login', ADMIN.login);
      await desk.fill('#setup-name', ADMIN.name);
      await desk.fill('#setup-new', ADMIN.password);
      await desk.fill('#setup-repeat', ADMIN.password);
      await desk.getByRole('button', { name: '创建管理员并登录' }).click();
      await desk.getByText('设置链接无效或已被使用').waitFor();
      const status = await fetch(url('/api/setup'));
      expect(await status.json()).toMatchObject({ needed: true });
    },
    TEST_MS,
  );

  it(
    'the one-time link creates the first administrator, signs them in and opens /admin',
    async () => {
      await desk.goto(url(`/setup#${hub!.hub.setupSecret}`));
      await desk.fill('#setup-login', ADMIN.login);
      await desk.fill('#setup-name', ADMIN.name);
      await desk.fill('#setup-new', ADMIN.password);
      await desk.fill('#setup-repeat', ADMIN.password);
      await desk.getByRole('button', { name: '创建管理员并登录' }).click();
      await desk.waitForURL((u) => u.pathname === '/admin/units');
      await desk.getByTestId('display-name').getByText(ADMIN.name).waitFor();
      // Spent: the link now only says so.
      await desk.goto(url(`/setup#${hub!.hub.setupSecret}`));
      await desk.getByText('系统已完成初始化').waitFor();
    },
    TEST_MS,
  );

  it(
    'builds a station in the unit tree; a station code already taken is refused in Chinese',
    async () => {
      await desk.goto(url('/admin/units'));
      const tree = desk.getByRole('tree');
      const row = (name: string) => tree.locator('.row', { hasText: name }).first();

      // The top unit set-up made is renamed to the bureau's name.
      await row('公安局').getByRole('button', { name: '编辑' }).click();
      await dialog(/编辑/).getByLabel('单位名称').fill('滨江市公安局');
      await dialog(/编辑/).getByRole('button', { name: '保存' }).click();
      await row('滨江市公安局').waitFor();

      async function addChild(parent: string, kind: string, name: string, code?: string): Promise<void> {
        await row(parent).getByRole('button', { name: '新建下级' }).click();
        const form = dialog(`在“${parent}”下新建单位`);
        await form.getByLabel('单位类型').selectOption({ label: kind });
        await form.getByLabel('单位名称').fill(name);
        if (code) await form.getByLabel(/单位代码/).fill(code);
        await form.getByRole('button', { name: '保存' }).click();
        await row(name).waitFor();
      }
      await addChild('滨江市公安局', '分局', '江南分局');
      await addChild('江南分局', '派出所', '桃源派出所', 'TY');
      await addChild('桃源派出所', '中队', '社区警务中队');
      await addChild('桃源派出所', '勤务管理指挥室', '勤务指挥室');
      await addChild('桃源派出所', '社区', '桃源社区');
      await addChild('桃源社区', '网格', '桃源1网格');

      // A second station with the same code: refused inline, nothing created.
      await row('江南分局').getByRole('button', { name: '新建下级' }).click();
      const form = dialog('在“江南分局”下新建单位');
      await form.getByLabel('单位名称').fill('海昌派出所');
      await form.getByLabel(/单位代码/).fill('TY');
      await form.getByRole('button', { name: '保存' }).click();
      await form.getByText('单位代码已被其他单位使用').waitFor();
      await form.getByRole('button', { name: '取消' }).click();
      expect(await tree.getByText('海昌派出所').count()).toBe(0);
    },
    TEST_MS,
  );

  it(
    'imports staff from a CSV: a dry run per row, then 确认导入 with the temporary passwords shown once',
    async () => {
      await desk.getByRole('link', { name: '导入导出' }).click();
      await desk.waitForURL((u) => u.pathname === '/admin/import');
      await desk.setInputFiles('#import-file', {
        name: '桃源派出所花名册.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(`\uFEFF${ROSTER}`, 'utf8'),
      });
      await desk.getByRole('button', { name: '预检' }).click();
      const result = desk.getByTestId('import-result');
      await result.getByText('预检结果（尚未导入）').waitFor();
      expect(await result.locator('tr[data-action=create]').count()).toBe(4);
      await result.locator('tr[data-action=create]', { hasText: OFFICER.login }).getByText('新建').waitFor();

      await desk.getByRole('button', { name: '确认导入' }).click();
      await result.getByText('导入完成').waitFor();
      const passwords = desk.getByTestId('temporary-passwords');
      expect(await passwords.locator('tbody tr').count()).toBe(4);
      await passwords.getByText(OFFICER.login).waitFor();

      // The same file again changes nothing.
      await desk.getByRole('button', { name: '预检' }).click();
      await result.getByText('预检结果（尚未导入）').waitFor();
      await result.getByText('无变化 4').waitFor();
      await result.getByText('没有需要导入的变化').waitFor();
    },
    TEST_MS,
  );

  let temporaryPassword = '';

  it(
    'resets the officer’s password from the people list; the new one is shown once',
    async () => {
      await desk.getByRole('link', { name: '人员' }).click();
      await desk.fill('#people-q', OFFICER.name);
      await desk.getByRole('search').getByRole('button', { name: '搜索' }).click();
      const row = desk.locator(`tr[data-login="${OFFICER.login}"]`);
      await row.getByText('民警').waitFor();
      await row.getByRole('button', { name: '重置密码' }).click();
      await dialog(`重置 ${OFFICER.name} 的密码`).getByRole('button', { name: '重置密码' }).click();
      const secret = desk.getByTestId('one-time-secret');
      await secret.waitFor();
      temporaryPassword = await secret.inputValue();
      expect(temporaryPassword.length).toBeGreaterThanOrEqual(10);
      await desk.getByRole('button', { name: '完成' }).click();
      await row.getByText('待改密码').waitFor();
    },
    TEST_MS,
  );

  it(
    'the officer signs in with it, must change it first, and lands on their inbox',
    async () => {
      const context = await browser!.newContext({ viewport: { width: 390, height: 844 } });
      context.setDefaultTimeout(STEP_MS);
      const phone = await context.newPage();
      await phone.goto(url('/login'));
      await phone.fill('input[name=login]', OFFICER.login);
      await phone.fill('input[name=password]', temporaryPassword);
      await phone.click('button[type=submit]');
      await phone.waitForURL((u) => u.pathname === '/password');
      await phone.getByRole('heading', { name: '请修改密码' }).waitFor();

      // Anything else sends them back here until the password is changed.
      await phone.goto(url('/orders'));
      await phone.waitForURL((u) => u.pathname === '/password');

      await phone.fill('#password-current', temporaryPassword);
      await phone.fill('#password-new', '123456789012');
      await phone.fill('#password-repeat', '123456789012');
      await phone.getByRole('button', { name: '修改密码并继续' }).click();
      await phone.getByText('新密码太常见').waitFor();

      await phone.fill('#password-new', OFFICER.password);
      await phone.fill('#password-repeat', OFFICER.password);
      await phone.getByRole('button', { name: '修改密码并继续' }).click();
      await phone.waitForURL((u) => u.pathname === '/orders');
      await phone.getByRole('heading', { name: '我的指令' }).waitFor();
      await phone.locator('[role=status][data-state=connected]').first().waitFor();
      await context.close();
    },
    TEST_MS,
  );

  it(
    'lists the administrator’s devices on /account, the current one marked, and ends the other',
    async () => {
      const context = await browser!.newContext({ viewport: { width: 390, height: 844 } });
      context.setDefaultTimeout(STEP_MS);
      const other = await context.newPage();
      await other.goto(url('/login'));
      await other.fill('input[name=login]', ADMIN.login);
      await other.fill('input[name=password]', ADMIN.password);
      await other.click('button[type=submit]');
      await other.waitForURL((u) => u.pathname.startsWith('/admin'));
      await other.locator('[role=status][data-state=connected]').first().waitFor();

      await desk.getByRole('link', { name: '我的', exact: true }).click();
      await desk.waitForURL((u) => u.pathname === '/account');
      const devices = desk.locator('li[data-current]');
      await devices.nth(1).waitFor();
      expect(await devices.count()).toBe(2);
      await desk.locator('li[data-current=true]').getByText('当前设备').waitFor();
      await desk.locator('li[data-current=false]').getByRole('button', { name: '退出该设备' }).click();
      await devices.nth(1).waitFor({ state: 'detached' });

      // The other device's live connection closes, and it is sent to sign in again.
      await other.waitForURL((u) => u.pathname === '/login');
      await context.close();
    },
    TEST_MS,
  );
});
