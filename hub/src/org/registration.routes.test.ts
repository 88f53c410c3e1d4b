import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView, RegistrationOptions } from '../protocol/index.ts';
import {
  connectSocket,
  login,
  nextEvent,
  readJson,
  startTestHub,
  type TestHub,
  type TestSocket,
} from '../../test-support/index.ts';

/** Residents sign up for their grid, then a staff member approves them into its group. */
describe('resident registration', () => {
  let t: TestHub;
  let options: RegistrationOptions;
  let phone = 18600000000;
  const sockets: TestSocket[] = [];
  // The hub trusts the loopback proxy, so each test names its own source address.
  let source = 0;
  const nextSource = () => `198.51.100.${++source}`;
  const register = (body: Record<string, unknown>, from = nextSource()) =>
    fetch(`${t.url}/api/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: t.url, 'x-forwarded-for': from },
      body: JSON.stringify(body),
    });
  const valid = () => ({
    phone: String(++phone),
    name: '李秀兰',
    password: 'lixiulan-2026',
    stationCode: options.station.code,
    gridId: options.communities[0]!.grids[0]!.id,
  });
  const residents = async () =>
    Number(
      (
        await t.hub.store.db
          .selectFrom('users')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('role', '=', 'resident')
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    t = await startTestHub({ env: { TRUST_PROXY: 'loopback' } });
    const station = await t.hub.store.db
      .selectFrom('units')
      .select('code')
      .where('kind', '=', 'station')
      .orderBy('sort')
      .executeTakeFirstOrThrow();
    options = await readJson(await fetch(`${t.url}/api/register/stations/${station.code}`));
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t?.close();
  });

  it("offers a station's communities and grids by its code, and 404 for an unknown code", async () => {
    expect(options.station.name).toBe('桃源派出所');
    expect(options.communities.length).toBeGreaterThanOrEqual(3);
    expect(options.communities.every((c) => c.grids.length > 0)).toBe(true);
    expect((await fetch(`${t.url}/api/register/stations/NO-SUCH`)).status).toBe(404);
  });

  it('registers, then signs in with the number; the grid group opens once an officer approves, live', async () => {
    const body = valid();
    const res = await register(body);
    expect(res.status).toBe(202);
    expect(await readJson(res)).toEqual({ ok: true, status: 'submitted' });
    expect(res.headers.get('set-cookie')).toBeNull();
    const { cookie, body: me } = await login(t.url, body.phone, body.password);
    expect(me.me).toMatchObject({ role: 'resident', name: '李秀兰', unit: { id: body.gridId } });
    const resident = await connectSocket(t.url, { cookie });
    sockets.push(resident);
    expect(await resident.emitWithAck('group:list', {})).toMatchObject({ ok: true, groups: [] });

    const db = t.hub.store.db;
    const group = await db
      .selectFrom('groups')
      .select('id')
      .where('unit_id', '=', body.gridId)
      .executeTakeFirstOrThrow();
    const grid = await db
      .selectFrom('units')
      .select('parent_id')
      .where('id', '=', body.gridId)
      .executeTakeFirstOrThrow();
    const officerLogin = (
      await db
        .selectFrom('users')
        .select('login')
        .where('unit_id', '=', grid.parent_id!)
        .where('role', '=', 'officer')
        .executeTakeFirstOrThrow()
    ).login;
    const officer = await connectSocket(t.url, { cookie: (await login(t.url, officerLogin)).cookie });
    sockets.push(officer);
    const members = await officer.emitWithAck('group:members', { groupId: group.id });
    expect(members.ok && members.members.find((m) => m.id === me.me.id)).toMatchObject({ status: 'pending' });
    expect(await resident.emitWithAck('group:history', { groupId: group.id })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });

    expect(
      await officer.emitWithAck('group:member', { action: 'approve', groupId: group.id, userId: me.me.id }),
    ).toMatchObject({ ok: true, member: { status: 'active' } });
    const welcome = nextEvent<MessageView>(resident, 'message:created');
    await officer.emitWithAck('message:send', {
      groupId: group.id,
      clientId: `welcome-${Date.now()}`,
      text: '欢迎李秀兰加入本网格群',
    });
    expect((await welcome).text).toBe('欢迎李秀兰加入本网格群');
    const list = await resident.emitWithAck('group:list', {});
    expect(list.ok && list.groups.map((g) => g.id)).toEqual([group.id]);
  });

  it('refuses bad input clearly and stores nobody', async () => {
    const before = await residents();
    const otherStation = await t.hub.store.db
      .selectFrom('units')
      .select('id')
      .where('kind', '=', 'grid')
      .where('code', 'like', 'BH-XC-%')
      .executeTakeFirstOrThrow();
    const cases: [Record<string, unknown>, number, string][] = [
      [{ ...valid(), phone: '12345' }, 400, 'validation_failed'],
      [{ ...valid(), password: 'short' }, 400, 'validation_failed'],
      [{ ...valid(), name: '' }, 400, 'validation_failed'],
      [{ ...valid(), name: 42 }, 400, 'validation_failed'],
      [{ ...valid(), stationCode: 'NO-SUCH' }, 404, 'not_found'],
      [{ ...valid(), gridId: otherStation.id }, 404, 'not_found'],
    ];
    for (const [body, status, code] of cases) {
      const res = await register(body);
      expect(res.status).toBe(status);
      expect((await readJson(res)).error.code).toBe(code);
    }
    expect(await residents()).toBe(before);
  });

  it('answers a registered number exactly as a new one, and changes nothing of the registered account', async () => {
    const db = t.hub.store.db;
    const known = await db
      .selectFrom('users')
      .select(['login', 'password_hash'])
      .where('role', '=', 'resident')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const before = await residents();
    const fresh = await register(valid());
    const taken = await register({ ...valid(), phone: known.login, password: 'attacker-password' });
    expect(taken.status).toBe(fresh.status);
    expect(await readJson(taken)).toEqual(await readJson(fresh));
    expect([...taken.headers.keys()].sort()).toEqual([...fresh.headers.keys()].sort());
    expect(await residents()).toBe(before + 1);
    const after = await db.selectFrom('users').select('password_hash').where('login', '=', known.login).execute();
    expect(after).toEqual([{ password_hash: known.password_hash }]);
    expect((await login(t.url, known.login)).body.me.login).toBe(known.login);
  });

  it('limits sign-ups per address: the sixth within the hour is refused and stores nobody', async () => {
    const from = nextSource();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await register(valid(), from)).status);
    expect(statuses).toEqual([202, 202, 202, 202, 202]);
    const before = await residents();
    const refused = await register(valid(), from);
    expect(refused.status).toBe(429);
    expect((await readJson(refused)).error).toMatchObject({ code: 'rate_limited', retryAfter: expect.any(Number) });
    expect(await residents()).toBe(before);
    expect((await register(valid())).status).toBe(202);
  });

  it('limits sign-ups per number, from any address: the fourth of the day is refused', async () => {
    const body = valid();
    for (let i = 0; i < 3; i++) expect((await register(body)).status).toBe(202);
    const refused = await register(body);
    expect(refused.status).toBe(429);
    expect((await readJson(refused)).error.code).toBe('rate_limited');
  });
});
