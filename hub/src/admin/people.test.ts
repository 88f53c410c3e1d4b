import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiClient,
  connectSocket,
  login,
  nextEvent,
  startTestHub,
  storeDialects,
  type ApiClient,
  type TestHub,
  type TestSocket,
} from '../../test-support/index.ts';

/** Staff administration over the API, with real sockets closing where the rules say, on both stores. */
for (const dialect of await storeDialects()) {
  describe.skipIf(!dialect.available)(`people administration on ${dialect.name}`, () => {
    let t: TestHub;
    let drop: () => Promise<void>;
    let admin: ApiClient;
    let head: ApiClient;
    let headId: string;
    const sockets: TestSocket[] = [];
    const unit = (code: string) =>
      t.hub.store.db.selectFrom('units').selectAll().where('code', '=', code).executeTakeFirstOrThrow();
    const activeGroups = async (userId: string) =>
      (
        await t.hub.store.db
          .selectFrom('group_members')
          .innerJoin('groups', 'groups.id', 'group_members.group_id')
          .select(['groups.unit_id', 'groups.kind'])
          .where('group_members.user_id', '=', userId)
          .where('group_members.status', '=', 'active')
          .execute()
      )
        .map((g) => `${g.kind}:${g.unit_id}`)
        .sort();

    beforeAll(async () => {
      const target = await dialect.databaseUrl();
      drop = target.drop;
      t = await startTestHub({ databaseUrl: target.url });
      admin = apiClient(t.url, (await login(t.url, 'admin')).cookie);
      const ty = await unit('BH-ZS-TY');
      const h = await t.hub.store.db
        .selectFrom('users')
        .select(['id', 'login'])
        .where('unit_id', '=', ty.id)
        .where('role', '=', 'station_head')
        .executeTakeFirstOrThrow();
      headId = h.id;
      head = apiClient(t.url, (await login(t.url, h.login)).cookie);
    });
    afterAll(async () => {
      for (const s of sockets) s.close();
      await t?.close();
      await drop?.();
    });

    it('creates staff with a temporary password shown once, in the groups their unit implies', async () => {
      const squad = await unit('BH-ZS-TY-SQ');
      const created = await admin('POST', '/api/admin/people', {
        login: '310001',
        name: '周明',
        rank: '三级警长',
        role: 'officer',
        unitId: squad.id,
        phone: '13812345678',
      });
      expect(created.status).toBe(201);
      expect(created.body.person).toMatchObject({
        login: '310001',
        role: 'officer',
        unitId: squad.id,
        unitName: '社区警务中队',
        disabled: false,
        passwordChangeRequired: true,
      });
      const station = await unit('BH-ZS-TY');
      expect(await activeGroups(created.body.person.id)).toEqual(
        [`squad:${squad.id}`, `station_staff:${station.id}`].sort(),
      );
      const signedIn = await login(t.url, '310001', created.body.temporaryPassword);
      expect(signedIn.body.me.passwordChangeRequired).toBe(true);
      const listed = (await admin('GET', '/api/admin/people?q=周明')).body.people;
      expect(listed.map((p: { login: string }) => p.login)).toEqual(['310001']);
      expect(JSON.stringify(listed)).not.toContain(created.body.temporaryPassword);
    });

    it('refuses a taken badge number and a role that does not fit the unit, creating nothing', async () => {
      const squad = await unit('BH-ZS-TY-SQ');
      const grid = await unit('BH-ZS-TY-C1-G1');
      const cases = [
        [{ login: '310001', name: '重号', role: 'officer', unitId: squad.id }, 409, 'login_taken'],
        [{ login: '310002', name: '居民甲', role: 'resident', unitId: squad.id }, 400, 'role_unit_mismatch'],
        [{ login: '310003', name: '所长乙', role: 'station_head', unitId: grid.id }, 400, 'role_unit_mismatch'],
        [{ login: 'a b', name: '坏号', role: 'officer', unitId: squad.id }, 400, 'validation_failed'],
        [{ login: '310004', name: '无单位', role: 'officer', unitId: 'nope' }, 404, 'not_found'],
      ] as const;
      for (const [body, status, code] of cases) {
        const res = await admin('POST', '/api/admin/people', body);
        expect([res.status, res.body.error.code]).toEqual([status, code]);
      }
      const made = await t.hub.store.db
        .selectFrom('users')
        .select('login')
        .where('login', 'in', ['310002', '310003', '310004'])
        .execute();
      expect(made).toEqual([]);
    });

    it('keeps a station head to their station and below their own role', async () => {
      const squad = await unit('BH-ZS-TY-SQ');
      const ok = await head('POST', '/api/admin/people', {
        login: '320001',
        name: '吴辅',
        role: 'auxiliary',
        unitId: squad.id,
      });
      expect(ok.status).toBe(201);
      const raise = await head('POST', '/api/admin/people', {
        login: '320002',
        name: '升官',
        role: 'station_head',
        unitId: (await unit('BH-ZS-TY')).id,
      });
      expect(raise.status).toBe(403);
      const promote = await head('PATCH', `/api/admin/people/${ok.body.person.id}`, {
        role: 'station_head',
        unitId: (await unit('BH-ZS-TY')).id,
      });
      expect(promote.status).toBe(403);
      const other = await unit('BH-XC-XC-SQ');
      const foreign = await head('POST', '/api/admin/people', {
        login: '320003',
        name: '越界',
        role: 'officer',
        unitId: other.id,
      });
      expect(foreign.status).toBe(404);
      const stranger = await t.hub.store.db
        .selectFrom('users')
        .select('id')
        .where('unit_id', '=', other.id)
        .executeTakeFirstOrThrow();
      expect((await head('PATCH', `/api/admin/people/${stranger.id}`, { name: '改名' })).status).toBe(404);
      const people = (await head('GET', '/api/admin/people')).body.people;
      const ty = await unit('BH-ZS-TY');
      const units = new Set(
        (await t.hub.store.db.selectFrom('units').select('id').where('path', 'like', `${ty.path}%`).execute()).map(
          (u) => u.id,
        ),
      );
      expect(people.length).toBeGreaterThan(5);
      expect(people.every((p: { unitId: string }) => units.has(p.unitId))).toBe(true);
      const admins = await head('PATCH', `/api/admin/people/${headId}`, { phone: '13900001111' });
      expect(admins.status).toBe(403);
    });

    it('moves an officer to another squad: sockets close, group memberships follow, before → after audited', async () => {
      const from = await unit('BH-ZS-TY-AJ');
      const to = await unit('BH-ZS-TY-SQ');
      const officer = await t.hub.store.db
        .selectFrom('users')
        .select(['id', 'login', 'name'])
        .where('unit_id', '=', from.id)
        .where('role', '=', 'officer')
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      const socket = await connectSocket(t.url, { cookie: (await login(t.url, officer.login)).cookie });
      sockets.push(socket);
      const closed = nextEvent<string>(socket, 'disconnect');
      const moved = await admin('PATCH', `/api/admin/people/${officer.id}`, { unitId: to.id, rank: '一级警长' });
      expect(moved.body.person).toMatchObject({ unitId: to.id, rank: '一级警长' });
      expect(await closed).toBe('io server disconnect');
      const groups = await activeGroups(officer.id);
      expect(groups).toContain(`squad:${to.id}`);
      expect(groups).not.toContain(`squad:${from.id}`);
      // The session goes on: the client reconnects into its new unit's rooms.
      const again = await connectSocket(t.url, { cookie: (await login(t.url, officer.login)).cookie });
      sockets.push(again);
      expect(again.connected).toBe(true);
      const audit = (await admin('GET', `/api/admin/audit?action=person.update`)).body.entries[0];
      expect(audit).toMatchObject({
        targetId: officer.id,
        before: { unitId: from.id },
        after: { unitId: to.id, rank: '一级警长' },
      });
    });

    it('disables and enables: sessions end and sockets close; nobody disables themselves', async () => {
      const aux = await t.hub.store.db
        .selectFrom('users')
        .select(['id', 'login'])
        .where('role', '=', 'auxiliary')
        .orderBy('id')
        .executeTakeFirstOrThrow();
      const session = await login(t.url, aux.login);
      const socket = await connectSocket(t.url, { cookie: session.cookie });
      sockets.push(socket);
      const revoked = nextEvent<{ reason: string }>(socket, 'session:revoked');
      const off = await admin('POST', `/api/admin/people/${aux.id}/disable`);
      expect(off.body.person.disabled).toBe(true);
      expect(await revoked).toEqual({ reason: 'account_disabled' });
      expect((await apiClient(t.url, session.cookie)('GET', '/api/auth/me')).status).toBe(401);
      const refused = await apiClient(t.url)('POST', '/api/auth/login', { login: aux.login, password: t.demoPassword });
      expect(refused.body.error.code).toBe('account_disabled');
      expect(
        (await admin('GET', '/api/admin/people?status=disabled')).body.people.map((p: { id: string }) => p.id),
      ).toContain(aux.id);
      const on = await admin('POST', `/api/admin/people/${aux.id}/enable`);
      expect(on.body.person.disabled).toBe(false);
      await login(t.url, aux.login);
      const me = (await admin('GET', '/api/auth/me')).body.me;
      const self = await admin('POST', `/api/admin/people/${me.id}/disable`);
      expect(self.status).toBe(403);
      expect((await admin('PATCH', `/api/admin/people/${me.id}`, { role: 'officer' })).status).toBe(403);
    });
  });
}
