import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { addStaff, demoLogin, readJson, startTestHub, type TestHub } from '../../test-support/index.ts';

/**
 * Sign-in limits against a real hub over HTTP. The hub trusts the loopback proxy, so each case
 * names its own source address in X-Forwarded-For, as nginx would.
 */
const attemptAt = (url: string, login: string, password: string, from: string, cookie?: string) =>
  fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url, 'x-forwarded-for': from, ...(cookie && { cookie }) },
    body: JSON.stringify({ login, password }),
  });

describe('sign-in limits', () => {
  let t: TestHub;
  let source = 0;
  const nextSource = () => `203.0.113.${++source}`;
  const attempt = (login: string, password: string, from: string, cookie?: string) =>
    attemptAt(t.url, login, password, from, cookie);
  /** Wrong passwords that reached the password check, seen in the audit log. */
  const checkedFailures = async (userId: string) =>
    (
      await t.hub.store.db
        .selectFrom('audit_log')
        .select('id')
        .where('action', '=', 'auth.login_failed')
        .where('actor_id', '=', userId)
        .execute()
    ).length;
  const userId = async (login: string) =>
    (await t.hub.store.db.selectFrom('users').select('id').where('login', '=', login).executeTakeFirstOrThrow()).id;
  const deviceCookie = (res: Response) => /fq_device=[^;]+/.exec(res.headers.get('set-cookie') ?? '')?.[0];
  let unitId: string;

  beforeAll(async () => {
    t = await startTestHub({
      env: {
        TRUST_PROXY: 'loopback',
        LOGIN_SOURCE_FAILURES_PER_HOUR: '20',
        LOGIN_ACCOUNT_FAILURES_PER_HOUR: '15',
      },
    });
    const db = t.hub.store.db;
    const officer = await db.selectFrom('users').select('unit_id').where('role', '=', 'officer').executeTakeFirst();
    unitId = officer!.unit_id;
  });
  afterAll(() => t?.close());

  it('checks only five of 40 parallel wrong passwords; the rest are refused before the check', async () => {
    const [victim] = await addStaff(t.hub, unitId, 1, 'officer', 'par');
    const from = nextSource();
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => attempt(victim!, `guess-${i}`, from)));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(35);
    expect(await checkedFailures(await userId(victim!))).toBe(5);
  });

  it('lets the owner in from a device that signed in before while the account is attacked from elsewhere', async () => {
    const [owner] = await addStaff(t.hub, unitId, 1, 'officer', 'own');
    const home = nextSource();
    const first = await attempt(owner!, t.demoPassword, home);
    expect(first.status).toBe(200);
    const device = deviceCookie(first);
    expect(device).toBeDefined();
    const attributes = /fq_device=[^;]+; Max-Age=\d+; Path=\/api\/auth; Expires=[^;]+; HttpOnly; SameSite=Strict/;
    expect(first.headers.get('set-cookie')).toMatch(attributes);

    // Three attacking addresses, five tries each: each address is locked, and so is the account for
    // every untrusted source (15 an hour here).
    for (let a = 0; a < 3; a++) {
      const from = nextSource();
      for (let i = 0; i < 5; i++) expect((await attempt(owner!, `guess-${a}-${i}`, from)).status).toBe(401);
      expect((await attempt(owner!, t.demoPassword, from)).status).toBe(429);
    }
    const elsewhere = nextSource();
    expect((await attempt(owner!, t.demoPassword, elsewhere)).status).toBe(429);

    // The owner's own device, even from a new address (a phone on mobile data), still gets in.
    const signedIn = await attempt(owner!, t.demoPassword, elsewhere, device);
    expect(signedIn.status).toBe(200);
    expect(deviceCookie(signedIn)).toBe(device);
  });

  it('does not trust a device cookie of another account, nor a forged one', async () => {
    const [owner, other] = await addStaff(t.hub, unitId, 2, 'officer', 'dev');
    const device = deviceCookie(await attempt(other!, t.demoPassword, nextSource()));
    const from = nextSource();
    for (let i = 0; i < 5; i++) expect((await attempt(owner!, `guess-${i}`, from)).status).toBe(401);
    expect((await attempt(owner!, t.demoPassword, from, device)).status).toBe(429);
    const [id] = device!.slice('fq_device='.length).split('.');
    expect((await attempt(owner!, t.demoPassword, from, `fq_device=${id}.${'A'.repeat(43)}`)).status).toBe(429);
  });

  it('stops one address spraying a password over many accounts, and only that address', async () => {
    const accounts = await addStaff(t.hub, unitId, 30, 'officer', 'spr');
    const from = nextSource();
    const statuses: number[] = [];
    for (const login of accounts) statuses.push((await attempt(login, 'Spring2026!', from)).status);
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
    const refused = await attempt(accounts[29]!, t.demoPassword, from);
    expect(refused.status).toBe(429);
    expect((await readJson(refused)).error).toMatchObject({ code: 'rate_limited', retryAfter: expect.any(Number) });
    expect((await attempt(accounts[29]!, t.demoPassword, nextSource())).status).toBe(200);
  });

  it('forgives a run of misses on success, and makes each further run wait longer', async () => {
    // A hub of its own whose first block is 1 s (the other cases need blocks that outlast a slow machine).
    const quick = await startTestHub({ env: { TRUST_PROXY: 'loopback', LOGIN_THROTTLE_BASE_SECONDS: '1' } });
    onTestFinished(() => quick.close());
    const attempt = (login: string, password: string, from: string) => attemptAt(quick.url, login, password, from);
    const login = await demoLogin(quick.hub, 'auxiliary');
    const from = nextSource();
    for (let i = 0; i < 4; i++) expect((await attempt(login, `guess-${i}`, from)).status).toBe(401);
    expect((await attempt(login, t.demoPassword, from)).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await attempt(login, `again-${i}`, from)).status).toBe(401);
    const first = await readJson(await attempt(login, t.demoPassword, from));
    expect(first.error).toMatchObject({ code: 'rate_limited', retryAfter: 1 });
    // The first block is LOGIN_THROTTLE_BASE_SECONDS; then five more tries, then twice as long.
    const afterBlock = async () => (await attempt(login, 'after-block', from)).status;
    await expect.poll(afterBlock, { timeout: 5000, interval: 250 }).toBe(401);
    for (let i = 0; i < 4; i++) expect((await attempt(login, `third-${i}`, from)).status).toBe(401);
    const second = await readJson(await attempt(login, t.demoPassword, from));
    expect(second.error).toMatchObject({ code: 'rate_limited', retryAfter: 2 });
  });
});
