import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectSocket,
  demoLogin,
  firstStation,
  login,
  readJson,
  startTestHub,
  type TestHub,
} from '../../test-support/index.ts';

/** The incident register over REST, and orders sent for an incident, on a real hub. */
describe('incident register', () => {
  let t: TestHub;
  let cookie: string;
  let seq = 0;
  const call = (method: string, path: string, body?: unknown, c = cookie) =>
    fetch(`${t.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', origin: t.url, cookie: c },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  const incident = (extra: Record<string, unknown> = {}) => ({
    clientId: `inc-${Date.now()}-${++seq}`,
    category: 'dispute',
    source: 'call_110',
    place: '桃源社区3号楼',
    caller: '王女士',
    summary: '楼上楼下因漏水发生争吵',
    ...extra,
  });
  const count = async () =>
    Number(
      (
        await t.hub.store.db
          .selectFrom('incidents')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    t = await startTestHub();
    cookie = (await login(t.url, (await firstStation(t.hub)).dispatcherLogin)).cookie;
  });
  afterAll(() => t?.close());

  it('logs an incident with a station number of the local day, idempotently', async () => {
    // 17:30 UTC is 01:30 the next day in Shanghai: the number carries the station's local day.
    const reportedAt = Date.now() - 86_400_000;
    const utcEvening = new Date(reportedAt).setUTCHours(17, 30, 0, 0);
    const body = incident({ reportedAt: utcEvening });
    const localDay = new Date(utcEvening + 8 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '');
    const first = await call('POST', '/api/incidents', body);
    expect(first.status).toBe(201);
    const { incident: a } = await readJson(first);
    expect(a.number).toMatch(new RegExp(`^BH-ZS-TY-${localDay}-\\d{4}$`));
    expect(a).toMatchObject({ status: 'received', category: 'dispute', place: '桃源社区3号楼' });
    const again = await readJson(await call('POST', '/api/incidents', body));
    expect(again.incident.id).toBe(a.id);
  });

  it('moves status forward only, and links the orders sent for it', async () => {
    const { incident: inc } = await readJson(await call('POST', '/api/incidents', incident()));
    const d = await connectSocket(t.url, { cookie });
    const officer = (await login(t.url, await demoLogin(t.hub, 'officer'))).body.me;
    const sent = await d.emitWithAck('order:create', {
      clientId: `o-${Date.now()}`,
      title: '出警处置纠纷',
      body: '请前往现场调解。',
      priority: 'urgent',
      incidentId: inc.id,
      targets: [{ kind: 'user', userId: officer.id }],
    });
    d.close();
    expect(sent.ok).toBe(true);
    expect(
      (await readJson(await call('PATCH', `/api/incidents/${inc.id}`, { status: 'dispatched' }))).incident.status,
    ).toBe('dispatched');
    const back = await call('PATCH', `/api/incidents/${inc.id}`, { status: 'received' });
    expect(back.status).toBe(409);
    const list = await readJson(await call('GET', '/api/incidents'));
    const listed = list.incidents.find((i: { id: string }) => i.id === inc.id);
    expect(listed.orderIds).toHaveLength(1);
  });

  it('refuses bad input and other roles, storing nothing', async () => {
    const before = await count();
    for (const bad of [
      incident({ category: 'alien' }),
      incident({ place: '' }),
      incident({ summary: 'x'.repeat(2001) }),
      incident({ reportedAt: Date.now() + 86_400_000 }),
      incident({ reportedAt: 1000 }),
      incident({ reportedAt: Date.now() - 60 * 86_400_000 }),
      { clientId: 'short' },
    ]) {
      const res = await call('POST', '/api/incidents', bad);
      expect(res.status).toBe(400);
      expect((await readJson(res)).error.code).toBe('validation_failed');
    }
    const officer = await login(t.url, await demoLogin(t.hub, 'officer'));
    expect((await call('POST', '/api/incidents', incident(), officer.cookie)).status).toBe(403);
    const resident = await login(t.url, await demoLogin(t.hub, 'resident'));
    expect((await call('GET', '/api/incidents', undefined, resident.cookie)).status).toBe(403);
    expect(await count()).toBe(before);
  });

  it('gives a dispatcher the dispatch tree of their scope with duty and online status, and nobody else', async () => {
    const scope = await readJson(await call('GET', '/api/org/scope'));
    expect(scope.units.map((u: { kind: string }) => u.kind)).toContain('grid');
    expect(scope.units.every((u: { kind: string }) => !['city', 'branch'].includes(u.kind))).toBe(true);
    expect(scope.people.length).toBeGreaterThan(10);
    expect(scope.people.some((p: { role: string }) => p.role === 'resident')).toBe(false);
    const resident = await login(t.url, await demoLogin(t.hub, 'resident'));
    expect((await call('GET', '/api/org/scope', undefined, resident.cookie)).status).toBe(403);
  });
});
