import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoLogin, login, readJson, startTestHub, type TestHub } from '../../test-support/index.ts';

/** REST log-in, log-out, "who am I", and the admin routes, against a real hub on a real port. */
describe('auth over HTTP', () => {
  let t: TestHub;
  let officer: string;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${t.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: t.url, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const me = (headers: Record<string, string>) => fetch(`${t.url}/api/auth/me`, { headers });

  beforeAll(async () => {
    t = await startTestHub();
    officer = await demoLogin(t.hub, 'officer');
  });
  afterAll(() => t?.close());

  it('logs in with the right password: HttpOnly, SameSite=Lax session cookie and the person with unit path', async () => {
    const res = await post('/api/auth/login', { login: officer, password: t.demoPassword });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^fq_session=[a-z0-9]+\.[a-z0-9]+;/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Path=/');
    const body = await readJson(res);
    expect(body.ok).toBe(true);
    expect(body.me.login).toBe(officer);
    expect(body.me.role).toBe('officer');
    expect(body.me.unitPath[0].kind).toBe('city');
    expect(body.me.unitPath.at(-1).id).toBe(body.me.unit.id);
    // The station's zone, which the web shows chat, board and report times in on any device.
    expect(body.me.timeZone).toBe('Asia/Shanghai');
    expect(JSON.stringify(body)).not.toMatch(/argon2|password_hash|"password"/);
  });

  it('answers a wrong password and an unknown account alike, with a clear message', async () => {
    const wrong = await post('/api/auth/login', { login: officer, password: 'not-the-password' });
    const unknown = await post('/api/auth/login', { login: 'nobody-here', password: 'whatever' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const a = await readJson(wrong);
    const b = await readJson(unknown);
    expect(a).toEqual(b);
    expect(a).toEqual({ ok: false, error: { code: 'invalid_credentials', message: 'wrong account or password' } });
    expect(wrong.headers.get('set-cookie')).toBeNull();
  });

  it('slows down after five wrong tries in a row, even for the right password, and only for that account', async () => {
    const target = await demoLogin(t.hub, 'grid_worker');
    for (let i = 0; i < 5; i++)
      expect((await post('/api/auth/login', { login: target, password: `guess-${i}` })).status).toBe(401);
    const blocked = await post('/api/auth/login', { login: target, password: t.demoPassword });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = await readJson(blocked);
    expect(body.error.code).toBe('rate_limited');
    expect(body.error.retryAfter).toBeGreaterThan(0);
    expect(blocked.headers.get('set-cookie')).toBeNull();
    // Without TRUST_PROXY a client cannot pose as another source through X-Forwarded-For.
    const spoofed = await post(
      '/api/auth/login',
      { login: target, password: t.demoPassword },
      { 'x-forwarded-for': '198.51.100.77' },
    );
    expect(spoofed.status).toBe(429);
    expect((await post('/api/auth/login', { login: officer, password: t.demoPassword })).status).toBe(200);
  });

  it('knows the signed-in person from the cookie, and nobody without one', async () => {
    const { cookie } = await login(t.url, officer);
    const ok = await me({ cookie });
    expect(ok.status).toBe(200);
    expect((await readJson(ok)).me.login).toBe(officer);
    const none = await me({});
    expect(none.status).toBe(401);
    expect((await readJson(none)).error.code).toBe('unauthenticated');
    const forged = await me({ cookie: `fq_session=${'a'.repeat(24)}.${'b'.repeat(24)}` });
    expect(forged.status).toBe(401);
  });

  it('logs out: the cookie is cleared and the session no longer works', async () => {
    const { cookie } = await login(t.url, officer);
    const out = await post('/api/auth/logout', {}, { cookie });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/fq_session=;.*(Max-Age=0|Expires=Thu, 01 Jan 1970)/);
    expect((await me({ cookie })).status).toBe(401);
  });

  it('refuses a cross-origin write that carries the cookie, and changes nothing', async () => {
    const { cookie } = await login(t.url, officer);
    const res = await post('/api/auth/logout', {}, { cookie, origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect((await readJson(res)).error.code).toBe('origin_rejected');
    const viaFetchMetadata = await fetch(`${t.url}/api/auth/logout`, {
      method: 'POST',
      headers: { cookie, 'sec-fetch-site': 'cross-site' },
    });
    expect(viaFetchMetadata.status).toBe(403);
    expect((await me({ cookie })).status).toBe(200);
  });

  it('refuses a write from the same host under another scheme (the whole origin counts)', async () => {
    const { cookie } = await login(t.url, officer);
    const res = await post('/api/auth/logout', {}, { cookie, origin: `https://${new URL(t.url).host}` });
    expect(res.status).toBe(403);
    expect((await readJson(res)).error.code).toBe('origin_rejected');
    expect((await me({ cookie })).status).toBe(200);
  });

  it('does not let a write without Origin ride on the cookie', async () => {
    const { cookie } = await login(t.url, officer);
    const res = await fetch(`${t.url}/api/auth/logout`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(401);
    expect((await me({ cookie })).status).toBe(200);
  });

  it('answers malformed JSON, wrong types, missing fields and oversized bodies with clear errors', async () => {
    const badJson = await post('/api/auth/login', '{"login": "x", ');
    expect(badJson.status).toBe(400);
    expect((await readJson(badJson)).error.code).toBe('bad_json');

    const wrongTypes = await post('/api/auth/login', { login: 42, password: ['x'] });
    expect(wrongTypes.status).toBe(400);
    const wt = await readJson(wrongTypes);
    expect(wt.error.code).toBe('validation_failed');
    expect(wt.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['login', 'password']);

    const missing = await post('/api/auth/login', {});
    expect(missing.status).toBe(400);

    const huge = await post('/api/auth/login', { login: officer, password: 'x'.repeat(200_000) });
    expect(huge.status).toBe(413);
    expect((await readJson(huge)).error.code).toBe('payload_too_large');
  });

  it('treats SQL- and script-looking log-ins as plain text that matches nobody', async () => {
    for (const login of [`' OR '1'='1`, `admin'--`, '<script>alert(1)</script>', '"; DROP TABLE users; --']) {
      const res = await post('/api/auth/login', { login, password: `' OR '1'='1` });
      expect(res.status).toBe(401);
    }
    expect(
      await t.hub.store.db.selectFrom('users').select('id').where('login', '=', 'admin').executeTakeFirst(),
    ).toBeDefined();
  });

  it('answers unknown API paths with JSON 404', async () => {
    const res = await fetch(`${t.url}/api/no-such-thing`);
    expect(res.status).toBe(404);
    expect((await readJson(res)).error.code).toBe('not_found');
  });

  describe('admin', () => {
    it('issues bot tokens that authenticate by bearer and keep their name verbatim; others may not', async () => {
      const admin = await login(t.url, 'admin');
      const bot = await t.hub.store.db
        .selectFrom('users')
        .select('id')
        .where('role', '=', 'bot')
        .executeTakeFirstOrThrow();
      const name = `<img src=x onerror=alert(1)> '); DROP TABLE bot_tokens; -- 早会`;
      const res = await post('/api/admin/bot-tokens', { botUserId: bot.id, name }, { cookie: admin.cookie });
      expect(res.status).toBe(201);
      const { token, id } = await readJson(res);
      const asBot = await me({ authorization: `Bearer ${token}` });
      expect(asBot.status).toBe(200);
      expect((await readJson(asBot)).me.role).toBe('bot');
      const list = await readJson(await fetch(`${t.url}/api/admin/bot-tokens`, { headers: { cookie: admin.cookie } }));
      const listed = list.tokens.find((x: { id: string }) => x.id === id);
      expect(listed.name).toBe(name);
      expect(JSON.stringify(list)).not.toContain(token.split('.')[1]);

      const { cookie } = await login(t.url, officer);
      const refused = await post('/api/admin/bot-tokens', { botUserId: bot.id, name: 'mine' }, { cookie });
      expect(refused.status).toBe(403);
      const notABot = await post(
        '/api/admin/bot-tokens',
        { botUserId: admin.body.me.id, name: 'x' },
        { cookie: admin.cookie },
      );
      expect(notABot.status).toBe(404);
      const countBefore = (
        await fetch(`${t.url}/api/admin/bot-tokens`, { headers: { cookie: admin.cookie } }).then(readJson)
      ).tokens.length;
      expect(countBefore).toBe(list.tokens.length);
    });

    it('disables an account: its sessions end and it cannot log in; an officer may not disable anyone', async () => {
      const admin = await login(t.url, 'admin');
      const victimLogin = await demoLogin(t.hub, 'auxiliary');
      const victim = await login(t.url, victimLogin);
      const patch = (cookie: string, disabled: unknown) =>
        fetch(`${t.url}/api/admin/users/${victim.body.me.id}`, {
          method: 'PATCH',
          headers: { 'content-type': 'application/json', origin: t.url, cookie },
          body: JSON.stringify({ disabled }),
        });
      const { cookie: officerCookie } = await login(t.url, officer);
      expect((await patch(officerCookie, true)).status).toBe(403);
      expect((await patch(admin.cookie, 'yes')).status).toBe(400);
      expect((await me({ cookie: victim.cookie })).status).toBe(200);

      expect((await patch(admin.cookie, true)).status).toBe(200);
      expect((await me({ cookie: victim.cookie })).status).toBe(401);
      const again = await post('/api/auth/login', { login: victimLogin, password: t.demoPassword });
      expect(again.status).toBe(403);
      expect((await readJson(again)).error.code).toBe('account_disabled');
      expect((await patch(admin.cookie, false)).status).toBe(200);
      expect((await post('/api/auth/login', { login: victimLogin, password: t.demoPassword })).status).toBe(200);
    });
  });
});
