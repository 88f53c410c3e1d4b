import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiClient,
  checkNewGridHeardLive,
  gridOverHttp,
  connectSocket,
  createTempPostgres,
  csv,
  firstStation,
  login,
  nextEvent,
  parseCsv,
  REDIS_URL,
  serviceAvailable,
  startTestHub,
  type ApiClient,
  type TestHub,
  type TestSocket,
} from '@fengqiao/hub/test-support';
import type { AssignmentView } from '@fengqiao/hub/protocol';

const ready = (await serviceAvailable('postgres')) && (await serviceAvailable('redis'));

/**
 * A roster import on node A changes five people: their sockets close on both nodes, their groups
 * follow, and a moved officer gets the orders of their new unit × role, not their old one's. A grid
 * made on A reaches its community's sockets on B live.
 */
describe.skipIf(!ready)('administration on two nodes', () => {
  let a: TestHub;
  let b: TestHub;
  let drop: () => Promise<void>;
  let admin: ApiClient;
  /** The case-squad officer the import moves to the community squad. */
  let movedLogin: string;
  const sockets: TestSocket[] = [];
  const track = (s: TestSocket) => (sockets.push(s), s);
  const unit = (code: string) =>
    a.hub.store.db.selectFrom('units').selectAll().where('code', '=', code).executeTakeFirstOrThrow();
  const officersOf = async (unitId: string, role: string) =>
    a.hub.store.db
      .selectFrom('users')
      .select(['id', 'login'])
      .where('unit_id', '=', unitId)
      .where('role', '=', role as 'officer')
      .orderBy('id')
      .execute();

  beforeAll(async () => {
    const pg = await createTempPostgres();
    drop = pg.drop;
    const env = { REDIS_CHANNEL_PREFIX: `fq-admin-${randomBytes(4).toString('hex')}` };
    a = await startTestHub({ databaseUrl: pg.url, redisUrl: REDIS_URL, env: { ...env, NODE_ID: 'hub-a' } });
    b = await startTestHub({ databaseUrl: pg.url, redisUrl: REDIS_URL, env: { ...env, NODE_ID: 'hub-b' } });
    admin = apiClient(a.url, (await login(a.url, 'admin')).cookie);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await Promise.all([a?.close(), b?.close()]);
    await drop?.();
  });

  it('an import that changes five people closes exactly their sockets, on both nodes, and moves their groups', async () => {
    const cases = await unit('BH-ZS-TY-AJ');
    const community = await unit('BH-ZS-TY-SQ');
    const c1 = await unit('BH-ZS-TY-C1');
    const c2 = await unit('BH-ZS-TY-C2');
    const [x, y, z] = await officersOf(cases.id, 'officer');
    const [aux] = await officersOf(cases.id, 'auxiliary');
    const [c2Officer] = await officersOf(c2.id, 'officer');
    const moves = new Map([
      [x!.login, community.code],
      [y!.login, community.code],
      [aux!.login, c1.code],
      [c2Officer!.login, cases.code],
    ]);
    const exported = parseCsv((await admin('GET', '/api/admin/export/people.csv')).text);
    const header = exported[0]!;
    const at = (name: string) => header.indexOf(name);
    const rows = exported.map((r) => [...r]);
    for (const r of rows.slice(1)) {
      const to = moves.get(r[at('警号')]!);
      if (to) r[at('所属单位')] = to;
      // z becomes a dispatcher of the command room.
      if (r[at('警号')] === z!.login) [r[at('角色')], r[at('所属单位')]] = ['指挥调度', 'BH-ZS-TY-ZH'];
    }
    const changed = [...moves.keys(), z!.login];
    movedLogin = x!.login;

    // The five are online, alternately on A and B; an unchanged officer of the station on B too.
    const online = await Promise.all(
      changed.map(async (l, i) => {
        const node = i % 2 ? b : a;
        return track(await connectSocket(node.url, { cookie: (await login(node.url, l)).cookie }));
      }),
    );
    const [control] = await officersOf(community.id, 'officer');
    const controlSocket = track(await connectSocket(b.url, { cookie: (await login(b.url, control!.login)).cookie }));
    const closed = online.map((s) => nextEvent<string>(s, 'disconnect'));

    const dry = await admin('POST', '/api/admin/import/people?apply=0', csv(rows), { 'content-type': 'text/csv' });
    expect(dry.body.summary).toMatchObject({ create: 0, update: 5, refuse: 0 });
    const applied = await admin('POST', '/api/admin/import/people?apply=1', csv(rows), { 'content-type': 'text/csv' });
    expect(applied.body).toMatchObject({ applied: true, summary: { update: 5 } });
    expect(await Promise.all(closed)).toEqual(Array(5).fill('io server disconnect'));
    // The sentinel: a socket left alone answers after every close has arrived.
    expect(await controlSocket.emitWithAck('system:ping', {})).toMatchObject({ ok: true, node: 'hub-b' });

    // The squad leader keeps the title in the display name (张三（中队长）) across the move.
    const leader = await a.hub.store.db
      .selectFrom('users')
      .select('display_name')
      .where('id', '=', x!.id)
      .executeTakeFirstOrThrow();
    expect(leader.display_name).toMatch(/（中队长）$/);
    const squadGroups = await a.hub.store.db
      .selectFrom('group_members')
      .innerJoin('groups', 'groups.id', 'group_members.group_id')
      .select(['groups.unit_id', 'group_members.status'])
      .where('group_members.user_id', '=', x!.id)
      .where('groups.kind', '=', 'squad')
      .execute();
    expect(squadGroups).toEqual(
      expect.arrayContaining([
        { unit_id: cases.id, status: 'removed' },
        { unit_id: community.id, status: 'active' },
      ]),
    );
  });

  it('a moved officer stops receiving orders to their old unit × role and receives the new one’s', async () => {
    const cases = await unit('BH-ZS-TY-AJ');
    const community = await unit('BH-ZS-TY-SQ');
    const { dispatcherLogin } = await firstStation(a.hub);
    const dispatcher = track(await connectSocket(a.url, { cookie: (await login(a.url, dispatcherLogin)).cookie }));
    // The officer moved to the community squad above reconnects on B; an officer of the case squad too.
    const [stayed] = await officersOf(cases.id, 'officer');
    const movedSocket = track(await connectSocket(b.url, { cookie: (await login(b.url, movedLogin)).cookie }));
    const stayedSocket = track(await connectSocket(b.url, { cookie: (await login(b.url, stayed!.login)).cookie }));
    const heard: string[] = [];
    movedSocket.on('order:assigned', (v: AssignmentView) => heard.push(v.order.title));

    const send = async (title: string, unitId: string) => {
      const res = await dispatcher.emitWithAck('order:create', {
        clientId: `adm-${title}-${Date.now()}`,
        title,
        body: '调整单位后的指令接收。',
        priority: 'urgent',
        targets: [{ kind: 'unit', unitId, roles: ['officer'] }],
      });
      if (!res.ok) throw new Error(res.error.message);
      return res.order.id;
    };
    const oldUnitOrder = nextEvent<AssignmentView>(stayedSocket, 'order:assigned');
    await send('旧单位指令', cases.id);
    expect((await oldUnitOrder).order.title).toBe('旧单位指令');
    const newUnitOrder = nextEvent<AssignmentView>(movedSocket, 'order:assigned');
    await send('新单位指令', community.id);
    expect((await newUnitOrder).order.title).toBe('新单位指令');
    // Both came from A over Redis in order: had the old one reached the moved officer, it would be first.
    expect(heard).toEqual(['新单位指令']);
  });

  it('a grid made on node A reaches its community’s open sockets on node B live, and nobody outside it', async () => {
    await checkNewGridHeardLive({
      t: a,
      open: async (who) => connectSocket(b.url, { cookie: (await login(b.url, who)).cookie, reconnect: true }),
      communityCode: 'BH-XC-XC-C4',
      outsiderCommunityCode: 'BH-XC-XC-C5',
      create: gridOverHttp(admin, '建设社区第三网格'),
    });
  });
});
