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

/** The residents' registration queue and account removal, on both stores. */
for (const dialect of await storeDialects()) {
  describe.skipIf(!dialect.available)(`resident administration on ${dialect.name}`, () => {
    let t: TestHub;
    let drop: () => Promise<void>;
    let head: ApiClient;
    let stationCode: string;
    let grids: { id: string; name: string }[];
    const sockets: TestSocket[] = [];
    let phone = 13600000000;

    /** Signs a resident up through the public page's API; returns their id and phone. */
    async function register(name: string, gridId: string) {
      const number = String(++phone);
      const res = await fetch(`${t.url}/api/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: t.url },
        body: JSON.stringify({ phone: number, name, password: 'resident-pass-2026', stationCode, gridId }),
      });
      expect(res.status).toBe(202);
      const row = await t.hub.store.db
        .selectFrom('users')
        .select('id')
        .where('login', '=', number)
        .executeTakeFirstOrThrow();
      return { id: row.id, phone: number };
    }

    beforeAll(async () => {
      const target = await dialect.databaseUrl();
      drop = target.drop;
      t = await startTestHub({ databaseUrl: target.url });
      const station = await t.hub.store.db
        .selectFrom('units')
        .selectAll()
        .where('code', '=', 'BH-ZS-TY')
        .executeTakeFirstOrThrow();
      stationCode = station.code;
      const headLogin = await t.hub.store.db
        .selectFrom('users')
        .select('login')
        .where('unit_id', '=', station.id)
        .where('role', '=', 'station_head')
        .executeTakeFirstOrThrow();
      head = apiClient(t.url, (await login(t.url, headLogin.login)).cookie);
      const options = (await (await fetch(`${t.url}/api/register/stations/${stationCode}`)).json()) as {
        communities: { grids: { id: string; name: string }[] }[];
      };
      grids = options.communities.flatMap((c: { grids: { id: string; name: string }[] }) => c.grids);
    });
    afterAll(async () => {
      for (const s of sockets) s.close();
      await t?.close();
      await drop?.();
    });

    it('lists sign-ups as pending per grid; approving lets the resident into the grid group', async () => {
      const a = await register('柳青', grids[0]!.id);
      const pending = (await head('GET', `/api/admin/residents?status=pending&gridId=${grids[0]!.id}`)).body.residents;
      expect(pending).toEqual([
        expect.objectContaining({
          id: a.id,
          name: '柳青',
          phone: a.phone,
          gridId: grids[0]!.id,
          gridName: grids[0]!.name,
          status: 'pending',
          rejectReason: null,
        }),
      ]);
      const approved = await head('POST', `/api/admin/residents/${a.id}/approve`);
      expect(approved.body.resident.status).toBe('active');
      const socket = await connectSocket(t.url, { cookie: (await login(t.url, a.phone, 'resident-pass-2026')).cookie });
      sockets.push(socket);
      const list = await socket.emitWithAck('group:list', {});
      expect(list.ok && list.groups.map((g) => g.kind)).toEqual(['grid']);
      expect((await head('GET', `/api/admin/residents?status=pending&gridId=${grids[0]!.id}`)).body.residents).toEqual(
        [],
      );
    });

    it('rejects with a reason: the account is disabled and its sockets close', async () => {
      const b = await register('假名', grids[1]!.id);
      const socket = await connectSocket(t.url, { cookie: (await login(t.url, b.phone, 'resident-pass-2026')).cookie });
      sockets.push(socket);
      const revoked = nextEvent<{ reason: string }>(socket, 'session:revoked');
      const rejected = await head('POST', `/api/admin/residents/${b.id}/reject`, { reason: '非本网格居民' });
      expect(rejected.body.resident).toMatchObject({ status: 'rejected', rejectReason: '非本网格居民' });
      expect(await revoked).toEqual({ reason: 'account_disabled' });
      const listed = (await head('GET', '/api/admin/residents?status=rejected')).body.residents;
      expect(listed.map((r: { id: string }) => r.id)).toContain(b.id);
      expect((await head('POST', `/api/admin/residents/${b.id}/reject`, { reason: '' })).status).toBe(400);
      expect((await head('POST', `/api/admin/residents/${b.id}/approve`)).status).toBe(409);
    });

    it('moves a resident to another grid (still pending there) and refuses a unit that is no grid', async () => {
      const c = await register('搬家户', grids[0]!.id);
      const moved = await head('POST', `/api/admin/residents/${c.id}/move`, { gridId: grids[2]!.id });
      expect(moved.body.resident).toMatchObject({ gridId: grids[2]!.id, status: 'pending' });
      const squad = await t.hub.store.db
        .selectFrom('units')
        .select('id')
        .where('code', '=', 'BH-ZS-TY-SQ')
        .executeTakeFirstOrThrow();
      const wrong = await head('POST', `/api/admin/residents/${c.id}/move`, { gridId: squad.id });
      expect(wrong.body.error.code).toBe('role_unit_mismatch');
      const foreign = await t.hub.store.db
        .selectFrom('units')
        .select('id')
        .where('code', '=', 'BH-XC-XC-C1-G1')
        .executeTakeFirstOrThrow();
      expect((await head('POST', `/api/admin/residents/${c.id}/move`, { gridId: foreign.id })).status).toBe(404);
    });

    it('removes an account on request: personal data erased, the messages stay under 已注销用户', async () => {
      const d = await register('王注销', grids[3]!.id);
      await head('POST', `/api/admin/residents/${d.id}/approve`);
      const session = await login(t.url, d.phone, 'resident-pass-2026');
      const socket = await connectSocket(t.url, { cookie: session.cookie });
      sockets.push(socket);
      const list = await socket.emitWithAck('group:list', {});
      const groupId = list.ok ? list.groups[0]!.id : '';
      const sent = await socket.emitWithAck('message:send', {
        groupId,
        clientId: 'remove-me-0001',
        text: '门口路灯坏了',
      });
      expect(sent.ok).toBe(true);
      const revoked = nextEvent<{ reason: string }>(socket, 'session:revoked');
      expect((await head('DELETE', `/api/admin/residents/${d.id}`)).body).toEqual({ ok: true });
      expect(await revoked).toEqual({ reason: 'account_disabled' });
      const row = await t.hub.store.db.selectFrom('users').selectAll().where('id', '=', d.id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ name: '已注销用户', display_name: '已注销用户', phone: null, password_hash: null });
      expect(JSON.stringify(row)).not.toContain(d.phone);
      expect(JSON.stringify(row)).not.toContain('王注销');
      const audit = await t.hub.store.db
        .selectFrom('audit_log')
        .select('detail')
        .where('target_id', '=', d.id)
        .execute();
      expect(JSON.stringify(audit)).not.toContain(d.phone);
      // The message is still in the group, under the new name.
      const staff = await connectSocket(t.url, {
        cookie: (await login(t.url, await gridOfficer(t, grids[3]!.id))).cookie,
      });
      sockets.push(staff);
      const history = await staff.emitWithAck('group:sync', { cursors: { [groupId]: 0 } });
      const message = history.ok ? history.messages.find((m) => m.text === '门口路灯坏了') : undefined;
      expect(message?.sender).toMatchObject({ id: d.id, name: '已注销用户' });
      expect((await head('GET', '/api/admin/residents?q=王注销')).body.residents).toEqual([]);
      expect((await head('DELETE', `/api/admin/residents/${d.id}`)).status).toBe(404);
    });
  });
}

/** A grid worker of the grid: a staff member of its group. */
async function gridOfficer(t: TestHub, gridId: string): Promise<string> {
  const row = await t.hub.store.db
    .selectFrom('users')
    .select('login')
    .where('unit_id', '=', gridId)
    .where('role', '=', 'grid_worker')
    .executeTakeFirstOrThrow();
  return row.login;
}
