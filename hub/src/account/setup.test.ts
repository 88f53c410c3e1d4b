import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, ADMIN_PASSWORD, startTestHub, storeDialects, type TestHub } from '../../test-support/index.ts';

/** A production hub (SEED_DEMO=never) on an empty store: nobody exists until the one-time set-up. */
for (const dialect of await storeDialects()) {
  describe.skipIf(!dialect.available)(`first administrator on ${dialect.name}`, () => {
    let t: TestHub;
    let drop: () => Promise<void>;
    const anon = () => apiClient(t.url);
    const people = async () => await t.hub.store.db.selectFrom('users').select(['login', 'role']).execute();

    beforeAll(async () => {
      const target = await dialect.databaseUrl();
      drop = target.drop;
      t = await startTestHub({ databaseUrl: target.url, demo: false });
    });
    afterAll(async () => {
      await t?.close();
      await drop?.();
    });

    it('starts with no account at all, no demo log-ins, and a set-up secret', async () => {
      expect(await people()).toEqual([]);
      expect(t.hub.setupSecret).toMatch(/^[a-z2-9]{32}$/);
      expect((await anon()('GET', '/api/setup')).body).toEqual({ ok: true, needed: true });
      expect((await anon()('GET', '/api/demo/accounts')).status).toBe(404);
      const demo = await anon()('POST', '/api/auth/login', { login: 'admin', password: 'fengqiao2026' });
      expect(demo.body.error.code).toBe('invalid_credentials');
      // The secret is kept only as a hash.
      const stored = await t.hub.store.db.selectFrom('setup_secrets').select('secret_hash').execute();
      expect(JSON.stringify(stored)).not.toContain(t.hub.setupSecret);
    });

    it('refuses a wrong secret and a weak password, and creates nothing', async () => {
      const wrong = await anon()('POST', '/api/setup', {
        secret: 'x'.repeat(32),
        login: 'chief',
        name: '局管理员',
        password: ADMIN_PASSWORD,
      });
      expect(wrong.status).toBe(403);
      expect(wrong.body.error.code).toBe('setup_secret_invalid');
      for (const [password, problem] of [
        ['short-pw', 'password_too_short'],
        ['woaini1314520', 'password_too_common'],
        ['Chief-Admin-X', 'password_too_common'],
      ] as const) {
        // The last one equals its log-in (compared without case).
        const login = password.startsWith('Chief') ? 'chief-admin-x' : 'chief';
        const weak = await anon()('POST', '/api/setup', { secret: t.hub.setupSecret, login, name: 'x', password });
        expect(weak.status).toBe(400);
        expect(weak.body.error).toMatchObject({
          code: 'validation_failed',
          issues: [{ path: 'password', message: problem }],
        });
      }
      expect(await people()).toEqual([]);
      expect((await anon()('GET', '/api/setup')).body.needed).toBe(true);
    });

    it('makes exactly one administrator of racing set-ups with the secret, signed in; the secret then is spent', async () => {
      const tries = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          anon()('POST', '/api/setup', {
            secret: t.hub.setupSecret,
            login: `chief${i}`,
            name: '局管理员',
            password: ADMIN_PASSWORD,
          }),
        ),
      );
      const won = tries.filter((r) => r.status === 201);
      expect(won).toHaveLength(1);
      for (const lost of tries.filter((r) => r.status !== 201))
        expect(['setup_secret_invalid', 'setup_done']).toContain(lost.body.error.code);
      const admins = (await people()).filter((p) => p.role === 'admin');
      expect(admins).toEqual([{ login: won[0]!.body.user.login, role: 'admin' }]);
      const cookie = /fq_session=[^;]+/.exec(won[0]!.headers.get('set-cookie') ?? '')![0];
      const me = await apiClient(t.url, cookie)('GET', '/api/auth/me');
      expect(me.body.me).toMatchObject({ role: 'admin', passwordChangeRequired: false, unit: { kind: 'city' } });
      const again = await anon()('POST', '/api/setup', {
        secret: t.hub.setupSecret,
        login: 'late',
        name: 'x',
        password: ADMIN_PASSWORD,
      });
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('setup_done');
      expect((await anon()('GET', '/api/setup')).body.needed).toBe(false);
      const signIn = await anon()('POST', '/api/auth/login', {
        login: won[0]!.body.user.login,
        password: ADMIN_PASSWORD,
      });
      expect(signIn.status).toBe(200);
    });
  });
}
