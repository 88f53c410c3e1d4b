import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiClient,
  connectSocket,
  demoLogin,
  login,
  nextEvent,
  startTestHub,
  storeDialects,
  type TestHub,
  type TestSocket,
} from '../../test-support/index.ts';

const NEW_PASSWORD = 'Lantern-Street-77';

/** Everyone's own password and devices; a reset's temporary password and what it allows, over real sockets. */
for (const dialect of await storeDialects()) {
  describe.skipIf(!dialect.available)(`own account on ${dialect.name}`, () => {
    let t: TestHub;
    let drop: () => Promise<void>;
    const sockets: TestSocket[] = [];
    const open = async (cookie: string) => {
      const s = await connectSocket(t.url, { cookie });
      sockets.push(s);
      return s;
    };

    beforeAll(async () => {
      const target = await dialect.databaseUrl();
      drop = target.drop;
      t = await startTestHub({ databaseUrl: target.url });
    });
    afterAll(async () => {
      for (const s of sockets) s.close();
      await t?.close();
      await drop?.();
    });

    it('changes the password: current one required, policy enforced, other sessions end with their sockets', async () => {
      const officer = await demoLogin(t.hub, 'officer');
      const here = await login(t.url, officer);
      const there = await login(t.url, officer);
      const otherSocket = await open(there.cookie);
      const ownSocket = await open(here.cookie);
      const api = apiClient(t.url, here.cookie);
      for (const [body, field, problem] of [
        [{ currentPassword: 'not-mine-at-all', newPassword: NEW_PASSWORD }, 'currentPassword', 'password_wrong'],
        [{ currentPassword: t.demoPassword, newPassword: 'short' }, 'newPassword', 'password_too_short'],
        [{ currentPassword: t.demoPassword, newPassword: 'qwertyuiop123' }, 'newPassword', 'password_too_common'],
      ] as const) {
        const refused = await api('POST', '/api/account/password', body);
        expect(refused.status).toBe(400);
        expect(refused.body.error).toMatchObject({
          code: 'validation_failed',
          issues: [{ path: field, message: problem }],
        });
      }
      // Nothing changed: the old password still signs in.
      await login(t.url, officer);

      const revoked = nextEvent<{ reason: string }>(otherSocket, 'session:revoked');
      const ownClosed = nextEvent(ownSocket, 'disconnect');
      expect(
        (await api('POST', '/api/account/password', { currentPassword: t.demoPassword, newPassword: NEW_PASSWORD }))
          .body,
      ).toEqual({ ok: true });
      expect(await revoked).toEqual({ reason: 'logged_out' });
      // This session's own sockets reconnect (nothing ends for them); the session goes on.
      await ownClosed;
      expect((await apiClient(t.url, there.cookie)('GET', '/api/auth/me')).status).toBe(401);
      expect((await api('GET', '/api/auth/me')).status).toBe(200);
      await expect(login(t.url, officer)).rejects.toThrow(/401/);
      await login(t.url, officer, NEW_PASSWORD);
    });

    it("lists the caller's sessions with public ids, ends one (closing its sockets), and knows no one else's", async () => {
      const grid = await demoLogin(t.hub, 'grid_worker');
      const a = await login(t.url, grid);
      const b = await fetch(`${t.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: t.url, 'user-agent': 'FengqiaoPhone/1.0' },
        body: JSON.stringify({ login: grid, password: t.demoPassword }),
      });
      const bCookie = /fq_session=[^;]+/.exec(b.headers.get('set-cookie')!)![0];
      const bToken = bCookie.slice('fq_session='.length);
      const bSocket = await open(bCookie);
      const api = apiClient(t.url, a.cookie);
      const { sessions } = (await api('GET', '/api/account/sessions')).body;
      expect(sessions.length).toBeGreaterThanOrEqual(2);
      expect(sessions.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
      const phone = sessions.find((s: { userAgent: string }) => s.userAgent === 'FengqiaoPhone/1.0');
      expect(phone).toMatchObject({ current: false, address: expect.any(String), createdAt: expect.any(Number) });
      // The public id is no part of the token.
      for (const s of sessions) for (const part of bToken.split('.')) expect(s.id).not.toContain(part);

      const stranger = apiClient(t.url, (await login(t.url, await demoLogin(t.hub, 'auxiliary'))).cookie);
      const foreign = await stranger('DELETE', `/api/account/sessions/${phone.id}`);
      expect(foreign.status).toBe(404);
      expect((await apiClient(t.url, bCookie)('GET', '/api/auth/me')).status).toBe(200);

      const revoked = nextEvent<{ reason: string }>(bSocket, 'session:revoked');
      expect((await api('DELETE', `/api/account/sessions/${phone.id}`)).body).toEqual({ ok: true });
      expect(await revoked).toEqual({ reason: 'logged_out' });
      expect((await apiClient(t.url, bCookie)('GET', '/api/auth/me')).status).toBe(401);
      expect((await api('GET', '/api/auth/me')).status).toBe(200);
    });

    it('a reset password must be changed at next log-in: every other route and socket command refuses until then', async () => {
      const admin = apiClient(t.url, (await login(t.url, 'admin')).cookie);
      const auxiliary = await demoLogin(t.hub, 'auxiliary');
      const before = await login(t.url, auxiliary);
      const beforeSocket = await open(before.cookie);
      const { id } = (await apiClient(t.url, before.cookie)('GET', '/api/auth/me')).body.me;
      const ended = nextEvent<{ reason: string }>(beforeSocket, 'session:revoked');
      const reset = await admin('POST', `/api/admin/people/${id}/reset-password`);
      expect(reset.body.temporaryPassword).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
      // A reset ends the person's sessions and sockets.
      expect(await ended).toEqual({ reason: 'logged_out' });
      await expect(login(t.url, auxiliary)).rejects.toThrow(/401/);

      const signedIn = await login(t.url, auxiliary, reset.body.temporaryPassword);
      expect(signedIn.body.me.passwordChangeRequired).toBe(true);
      const api = apiClient(t.url, signedIn.cookie);
      expect((await api('GET', '/api/auth/me')).body.me.passwordChangeRequired).toBe(true);
      for (const [method, path] of [
        ['GET', '/api/orders/inbox'],
        ['GET', '/api/account/sessions'],
        ['GET', '/api/org/scope'],
      ] as const) {
        const refused = await api(method, path);
        expect(refused.status).toBe(403);
        expect(refused.body.error.code).toBe('password_change_required');
      }
      // Public routes stay public: whether set-up is needed is asked by the web on every start.
      expect((await api('GET', '/api/setup')).body).toEqual({ ok: true, needed: false });
      const socket = await open(signedIn.cookie);
      const ping = await socket.emitWithAck('system:ping', {});
      expect(ping).toMatchObject({ ok: false, error: { code: 'password_change_required' } });

      const closed = nextEvent(socket, 'disconnect');
      const changed = await api('POST', '/api/account/password', {
        currentPassword: reset.body.temporaryPassword,
        newPassword: NEW_PASSWORD,
      });
      expect(changed.body).toEqual({ ok: true });
      await closed;
      expect((await api('GET', '/api/auth/me')).body.me.passwordChangeRequired).toBe(false);
      expect((await api('GET', '/api/account/sessions')).status).toBe(200);
      const fresh = await open(signedIn.cookie);
      expect(await fresh.emitWithAck('system:ping', {})).toMatchObject({ ok: true });
    });

    it('a temporary password not changed in time stops working (password_expired)', async () => {
      const admin = apiClient(t.url, (await login(t.url, 'admin')).cookie);
      const gridWorker = await t.hub.store.db
        .selectFrom('users')
        .select(['id', 'login'])
        .where('role', '=', 'grid_worker')
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      const { temporaryPassword } = (await admin('POST', `/api/admin/people/${gridWorker.id}/reset-password`)).body;
      // 72 hours later, as the store sees it.
      await t.hub.store.db
        .updateTable('users')
        .set({ password_expires_at: Date.now() - 1 })
        .where('id', '=', gridWorker.id)
        .execute();
      const res = await apiClient(t.url)('POST', '/api/auth/login', {
        login: gridWorker.login,
        password: temporaryPassword,
      });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('password_expired');
      expect(res.headers.get('set-cookie')).toBeNull();
    });
  });
}
