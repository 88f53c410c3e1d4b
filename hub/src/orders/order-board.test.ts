import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AssignmentView,
  BoardView,
  CreateOrderPayload,
  OrderActivityEntry,
  OrderTimelineEntry,
} from '../protocol/index.ts';
import {
  addStaff,
  connectSocket,
  firstStation,
  login,
  nextEvent,
  startTestHub,
  storeDialects,
  type TestHub,
  type TestSocket,
} from '../../test-support/index.ts';
import { eventWhere } from '../../test-support/hotline-fixture.ts';

let seq = 0;
const cid = () => `board-${Date.now()}-${++seq}`;

/**
 * The dispatcher's screen over real sockets, on SQLite and PostgreSQL: the activity feed and each
 * card's latest activity, active and finished orders (finished ones read-only and searchable), and
 * 改派 of a returned order to someone else.
 */
for (const dialect of await storeDialects()) {
  describe.skipIf(!dialect.available)(`the dispatcher's board on ${dialect.name}`, () => {
    let t: TestHub;
    let drop: () => Promise<void>;
    let dispatcher: TestSocket;
    /** A dispatcher of another station: none of the first station's orders are theirs. */
    let stranger: TestSocket;
    /** Officers of the first station: logins and ids. */
    let officers: { login: string; id: string }[];
    const sockets: TestSocket[] = [];
    const open = async (loginName: string) => {
      const s = await connectSocket(t.url, { cookie: (await login(t.url, loginName)).cookie });
      sockets.push(s);
      return s;
    };
    const send = async (userIds: string[], extra: Partial<CreateOrderPayload> = {}) => {
      const res = await dispatcher.emitWithAck('order:create', {
        clientId: cid(),
        title: '核查可疑车辆',
        body: '请核查辖区内一辆白色面包车。',
        priority: 'urgent',
        targets: userIds.map((userId) => ({ kind: 'user' as const, userId })),
        ...extra,
      });
      if (!res.ok) throw new Error(res.error.message);
      return res.order;
    };

    beforeAll(async () => {
      const target = await dialect.databaseUrl();
      drop = target.drop;
      t = await startTestHub({ databaseUrl: target.url, env: { ORDER_SWEEP_INTERVAL_MS: '3600000' } });
      const db = t.hub.store.db;
      const first = await firstStation(t.hub);
      const squad = await db
        .selectFrom('units')
        .select('id')
        .where('parent_id', '=', first.stationId)
        .where('name', '=', '案件打处中队')
        .executeTakeFirstOrThrow();
      const logins = await addStaff(t.hub, squad.id, 4, 'officer', 'bd');
      officers = await Promise.all(
        logins.map(async (l) => ({
          login: l,
          id: (await db.selectFrom('users').select('id').where('login', '=', l).executeTakeFirstOrThrow()).id,
        })),
      );
      const other = await db
        .selectFrom('users')
        .innerJoin('units as room', 'room.id', 'users.unit_id')
        .innerJoin('units as station', 'station.id', 'room.parent_id')
        .select('users.login')
        .where('users.role', '=', 'dispatcher')
        .where('station.kind', '=', 'station')
        .where('station.id', '!=', first.stationId)
        .executeTakeFirstOrThrow();
      dispatcher = await open(first.dispatcherLogin);
      stranger = await open(other.login);
    });
    afterAll(async () => {
      for (const s of sockets) s.close();
      await t?.close();
      await drop?.();
    });

    it('shows the latest activity on the card and in a live feed of the scope, paged, never to other stations', async () => {
      const [a] = officers;
      const o = await open(a!.login);
      const order = await send([a!.id], { title: '走访独居老人' });
      await dispatcher.emitWithAck('order:watch', { orderIds: [order.id] });
      const strangerHeard: OrderActivityEntry[] = [];
      stranger.on('order:activity-logged', ({ entries }) => strangerHeard.push(...entries));

      const live = eventWhere<{ entries: OrderActivityEntry[] }>(dispatcher, 'order:activity-logged', (p) =>
        p.entries.some((e) => e.kind === 'note' && e.order.id === order.id),
      );
      const boarded = eventWhere<BoardView>(
        dispatcher,
        'order:board',
        (b) => b.orderId === order.id && b.latest?.kind === 'note',
      );
      await o.emitWithAck('order:act', { action: 'acknowledge', orderId: order.id, clientId: cid() });
      await o.emitWithAck('order:act', {
        action: 'note',
        orderId: order.id,
        clientId: cid(),
        text: '已到达，正在走访',
      });
      const pushed = (await live).entries.find((e) => e.kind === 'note')!;
      expect(pushed).toMatchObject({
        text: '已到达，正在走访',
        actor: { id: a!.id },
        order: { id: order.id, title: '走访独居老人', parentOrderId: null },
      });
      expect((await boarded).latest).toMatchObject({ id: pushed.id, text: '已到达，正在走访' });

      // The catch-up after a reconnect: newest first, a bounded page, then the page before it.
      const page = await dispatcher.emitWithAck('order:activity', { limit: 1 });
      if (!page.ok) throw new Error(page.error.message);
      expect(page.entries.map((e) => [e.kind, e.order.id])).toEqual([['note', order.id]]);
      expect(page.more).toBe(true);
      const older = await dispatcher.emitWithAck('order:activity', { before: page.entries[0]!.id, limit: 1 });
      expect(older).toMatchObject({ ok: true, entries: [{ kind: 'acknowledged', actor: { id: a!.id } }] });

      // Another station's dispatcher neither hears it nor reads it.
      const theirs = await stranger.emitWithAck('order:activity', {});
      if (!theirs.ok) throw new Error(theirs.error.message);
      expect(theirs.entries.filter((e) => e.order.id === order.id)).toEqual([]);
      expect(strangerHeard.filter((e) => e.order.id === order.id)).toEqual([]);
    });

    it('refuses the feed to those who dispatch nothing, and bad pages', async () => {
      const o = await open(officers[0]!.login);
      expect(await o.emitWithAck('order:activity', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      for (const bad of [{ limit: 1000 }, { limit: 0 }, { limit: '5' }, { before: 42 }, { before: 'x'.repeat(500) }])
        expect(await dispatcher.emitWithAck('order:activity', bad as never)).toMatchObject({
          ok: false,
          error: { code: 'validation_failed' },
        });
    });

    it("watches many boards at once: their boards in the order asked, other stations' and unknown ids left out", async () => {
      const [a, b] = officers;
      const first = await send([a!.id]);
      const second = await send([a!.id, b!.id]);
      const asked = [second.id, '01NOSUCHORDER0000000000000', first.id];
      const watched = await dispatcher.emitWithAck('order:watch', { orderIds: asked });
      if (!watched.ok) throw new Error(watched.error.message);
      expect(watched.boards.map((x) => [x.orderId, x.counts.total])).toEqual([
        [second.id, 2],
        [first.id, 1],
      ]);
      expect(await stranger.emitWithAck('order:watch', { orderIds: asked })).toMatchObject({ ok: true, boards: [] });
    });

    it('rate-limits a flood of feed pages per person: a burst, then rate_limited with a wait', async () => {
      // One after another (a person's reads in flight are bounded too) until the first refusal: on a
      // busy machine a fixed count could end on a token refilled meanwhile.
      const answers = [];
      while (answers.length < 100 && (answers.at(-1)?.ok ?? true))
        answers.push(await stranger.emitWithAck('order:activity', { limit: 1 }));
      expect(answers.at(-1)).toMatchObject({
        ok: false,
        error: { code: 'rate_limited', retryAfter: expect.any(Number) },
      });
      // The burst went through before it: 30 pages, one of them read by an earlier test.
      expect(answers.length - 1).toBeGreaterThanOrEqual(29);
    });

    it('moves a completed order to the finished orders, read-only, and finds it by text, person and date', async () => {
      const [a, b] = officers;
      const oa = await open(a!.login);
      const ob = await open(b!.login);
      const title = `夜间巡逻${Date.now()}`;
      const order = await send([a!.id, b!.id], { title });
      const listed = async (state: 'active' | 'finished') => {
        const res = await dispatcher.emitWithAck('order:search', { state, text: title });
        if (!res.ok) throw new Error(res.error.message);
        return res.orders.map((x) => x.order.id);
      };
      await oa.emitWithAck('order:act', { action: 'complete', orderId: order.id, clientId: cid(), text: '巡逻完毕' });
      // One of two still works on it: active, and still editable.
      expect(await listed('active')).toEqual([order.id]);
      await ob.emitWithAck('order:act', { action: 'return', orderId: order.id, clientId: cid(), text: '在外培训' });
      // Everyone is done and someone completed it: finished.
      expect(await listed('active')).toEqual([]);
      expect(await listed('finished')).toEqual([order.id]);

      for (const [event, payload] of [
        ['order:amend', { orderId: order.id, title: '改个标题' }],
        ['order:cancel', { orderId: order.id, reason: '不需要了' }],
      ] as const)
        expect(await dispatcher.emitWithAck(event, payload as never)).toMatchObject({
          ok: false,
          error: { code: 'order_finished' },
        });
      const row = await t.hub.store.db
        .selectFrom('orders')
        .select(['title', 'status'])
        .where('id', '=', order.id)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ title, status: 'active' });
      const rest = await fetch(`${t.url}/api/orders?state=finished`, {
        headers: { cookie: (await login(t.url, (await firstStation(t.hub)).dispatcherLogin)).cookie },
      });
      expect(((await rest.json()) as { orders: { order: { id: string } }[] }).orders.map((x) => x.order.id)).toContain(
        order.id,
      );

      const search = async (p: Record<string, unknown>) => {
        const res = await dispatcher.emitWithAck('order:search', { state: 'finished', ...p } as never);
        if (!res.ok) throw new Error(res.error.message);
        return res.orders.map((x) => x.order.id);
      };
      // By a recipient's name (addStaff names them 测试警员N) and by the sending day.
      const name = (
        await t.hub.store.db.selectFrom('users').select('name').where('id', '=', b!.id).executeTakeFirstOrThrow()
      ).name;
      expect(await search({ person: name, text: title })).toEqual([order.id]);
      expect(await search({ text: title, from: order.createdAt - 60_000, to: order.createdAt + 60_000 })).toEqual([
        order.id,
      ]);
      expect(await search({ text: title, to: order.createdAt - 60_000 })).toEqual([]);
      expect(await search({ text: '%' })).not.toContain(order.id);
    });

    it('finds orders by incident number, and never another station’s orders', async () => {
      const cookie = (await login(t.url, (await firstStation(t.hub)).dispatcherLogin)).cookie;
      const res = await fetch(`${t.url}/api/incidents`, {
        method: 'POST',
        headers: { cookie, origin: t.url, 'content-type': 'application/json' },
        body: JSON.stringify({
          clientId: cid(),
          category: 'dispute',
          source: 'call_110',
          place: '幸福里小区3栋',
          summary: '邻里噪音纠纷',
        }),
      });
      const incident = ((await res.json()) as { incident: { id: string; number: string } }).incident;
      const title = `警情关联${Date.now()}`;
      const order = await send([officers[2]!.id], { title, incidentId: incident.id });
      const byNumber = await dispatcher.emitWithAck('order:search', { state: 'active', incident: incident.number });
      expect(byNumber.ok && byNumber.orders.map((x) => x.order.id)).toEqual([order.id]);
      const none = await dispatcher.emitWithAck('order:search', { state: 'active', incident: '无此编号-000' });
      expect(none).toMatchObject({ ok: true, orders: [], more: false });
      const theirs = await stranger.emitWithAck('order:search', { state: 'active', text: title });
      expect(theirs).toMatchObject({ ok: true, orders: [] });
    });

    it('refuses bad searches and rate-limits a flood, for dispatchers only', async () => {
      const o = await open(officers[3]!.login);
      expect(await o.emitWithAck('order:search', { state: 'active' })).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
      const bads = [
        {},
        { state: 'all' },
        { state: 'active', text: '' },
        { state: 'active', text: 'x'.repeat(51) },
        { state: 'active', person: 7 },
        { state: 'active', from: 2_000_000_000_000, to: 1_900_000_000_000 },
        { state: 'active', before: ['x'] },
      ];
      for (const bad of bads)
        expect(await stranger.emitWithAck('order:search', bad as never), JSON.stringify(bad)).toMatchObject({
          ok: false,
          error: { code: 'validation_failed' },
        });
      const answers = [];
      for (let i = 0; i < 30; i++) answers.push(await stranger.emitWithAck('order:search', { state: 'finished' }));
      expect(answers.filter((a) => a.ok).length).toBeLessThanOrEqual(25);
      expect(answers.at(-1)).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    });

    it('re-dispatches (改派) a returned order to someone else, live, once, keeping the return in its history', async () => {
      const db = t.hub.store.db;
      const [a, b, c] = officers;
      const oa = await open(a!.login);
      const ob = await open(b!.login);
      const order = await send([a!.id, c!.id], { title: '调解邻里纠纷' });
      await oa.emitWithAck('order:act', {
        action: 'return',
        orderId: order.id,
        clientId: cid(),
        text: '当事人是我亲属，需回避',
      });
      const board = await dispatcher.emitWithAck('order:watch', { orderIds: [order.id] });
      if (!board.ok) throw new Error(board.error.message);
      expect(board.boards[0]!.returns).toEqual([
        expect.objectContaining({ userId: a!.id, reason: '当事人是我亲属，需回避', reassignedTo: null }),
      ]);

      const reassign = (s: TestSocket, p: Record<string, unknown>) =>
        s.emitWithAck('order:reassign', {
          orderId: order.id,
          clientId: cid(),
          fromUserId: a!.id,
          toUserId: b!.id,
          ...p,
        } as never);
      const recipients = async () =>
        (await db.selectFrom('order_recipients').select('user_id').where('order_id', '=', order.id).execute())
          .map((r) => r.user_id)
          .sort();
      const before = await recipients();
      // Only the order's managers: another station's dispatcher and a recipient see no such order.
      expect(await reassign(stranger, {})).toMatchObject({ ok: false, error: { code: 'not_found' } });
      expect(await reassign(ob, {})).toMatchObject({ ok: false, error: { code: 'not_found' } });
      // Only a returned share, to someone of the order's scope who holds none of it.
      expect(await reassign(dispatcher, { fromUserId: c!.id })).toMatchObject({
        ok: false,
        error: { code: 'conflict' },
      });
      expect(await reassign(dispatcher, { toUserId: c!.id })).toMatchObject({ ok: false, error: { code: 'conflict' } });
      const stationPath = (
        await db
          .selectFrom('units')
          .select('path')
          .where('id', '=', (await firstStation(t.hub)).stationId)
          .executeTakeFirstOrThrow()
      ).path;
      const outsider = await db
        .selectFrom('users')
        .innerJoin('units', 'units.id', 'users.unit_id')
        .select('users.id')
        .where('users.role', '=', 'officer')
        .where('units.path', 'not like', `${stationPath}%`)
        .executeTakeFirstOrThrow();
      expect(await reassign(dispatcher, { toUserId: outsider.id })).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
      expect(await reassign(dispatcher, { toUserId: 'nobody-here' })).toMatchObject({
        ok: false,
        error: { code: 'not_found' },
      });
      expect(await reassign(dispatcher, { toUserId: a!.id })).toMatchObject({
        ok: false,
        error: { code: 'validation_failed' },
      });
      expect(await recipients()).toEqual(before);

      const arrived = nextEvent<AssignmentView>(ob, 'order:assigned');
      const released = eventWhere<AssignmentView>(oa, 'order:progressed', (x) => x.order.id === order.id);
      const clientId = cid();
      const done = await reassign(dispatcher, { clientId });
      if (!done.ok) throw new Error(done.error.message);
      expect(done.board.returns).toEqual([
        expect.objectContaining({ userId: a!.id, reassignedTo: expect.any(String) }),
      ]);
      expect(await arrived).toMatchObject({ order: { id: order.id, title: '调解邻里纠纷' }, state: 'pending' });
      expect(await released).toMatchObject({ state: 'returned' });
      // A retry answers as the first did; a second 改派 of the same return is refused.
      expect(await reassign(dispatcher, { clientId })).toMatchObject({ ok: true });
      expect(await reassign(dispatcher, { toUserId: officers[3]!.id })).toMatchObject({
        ok: false,
        error: { code: 'conflict' },
      });
      expect(await recipients()).toEqual([...before, b!.id].sort());

      // The new person has it through sync too, and can act on it.
      const sync = await ob.emitWithAck('order:sync', { since: 0 });
      expect(sync.ok && sync.assignments.some((x) => x.order.id === order.id)).toBe(true);
      expect(
        await ob.emitWithAck('order:act', { action: 'acknowledge', orderId: order.id, clientId: cid() }),
      ).toMatchObject({ ok: true, state: 'acknowledged' });

      const timeline = await fetch(`${t.url}/api/orders/${order.id}/timeline`, {
        headers: { cookie: (await login(t.url, (await firstStation(t.hub)).dispatcherLogin)).cookie },
      });
      const entries = ((await timeline.json()) as { timeline: OrderTimelineEntry[] }).timeline;
      expect(entries.map((e) => e.kind)).toEqual(['created', 'returned', 'reassigned', 'acknowledged']);
      expect(entries[2]).toMatchObject({ subject: { id: a!.id } });
      const audit = await db
        .selectFrom('audit_log')
        .select(['action', 'detail'])
        .where('target_id', '=', order.id)
        .execute();
      expect(audit).toEqual([{ action: 'order.reassign', detail: JSON.stringify({ from: a!.id, to: b!.id }) }]);
    });
  });
}
