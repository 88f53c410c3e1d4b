import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addStaff,
  connectSocket,
  createTempPostgres,
  firstStation,
  login,
  nextEvent,
  REDIS_URL,
  serviceAvailable,
  startTestHub,
  type TestHub,
  type TestSocket,
} from '@fengqiao/hub/test-support';
import type {
  AssignmentView,
  BoardView,
  OrderActivityEntry,
  OrderEscalatedEvent,
  OrderRemindedEvent,
} from '@fengqiao/hub/protocol';

const ready = (await serviceAvailable('postgres')) && (await serviceAvailable('redis'));

/** Orders across two hub nodes on PostgreSQL + Redis: dispatcher on A, officers on B. */
describe.skipIf(!ready)('command orders on two nodes', () => {
  let a: TestHub;
  let b: TestHub;
  let drop: () => Promise<void>;
  let dispatcher: TestSocket;
  let squadId: string;
  let officers: { socket: TestSocket; id: string }[] = [];
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    const pg = await createTempPostgres();
    drop = pg.drop;
    const env = {
      REDIS_CHANNEL_PREFIX: `fq-orders-${randomBytes(4).toString('hex')}`,
      ORDER_SWEEP_INTERVAL_MS: '3600000',
      ORDER_REMINDERS_BEFORE_ESCALATION: '1',
    };
    a = await startTestHub({ databaseUrl: pg.url, redisUrl: REDIS_URL, env: { ...env, NODE_ID: 'hub-a' } });
    b = await startTestHub({ databaseUrl: pg.url, redisUrl: REDIS_URL, env: { ...env, NODE_ID: 'hub-b' } });
    const db = a.hub.store.db;
    const station = await db
      .selectFrom('units')
      .select('id')
      .where('kind', '=', 'station')
      .orderBy('sort')
      .executeTakeFirstOrThrow();
    squadId = (
      await db
        .selectFrom('units')
        .select('id')
        .where('parent_id', '=', station.id)
        .where('name', '=', '案件打处中队')
        .executeTakeFirstOrThrow()
    ).id;
    const logins = await addStaff(a.hub, squadId, 20, 'officer', 'mn');
    officers = await Promise.all(
      logins.map(async (l) => {
        const session = await login(b.url, l);
        const socket = await connectSocket(b.url, { cookie: session.cookie });
        sockets.push(socket);
        return { socket, id: session.body.me.id };
      }),
    );
    const { dispatcherLogin } = await firstStation(a.hub);
    dispatcher = await connectSocket(a.url, { cookie: (await login(a.url, dispatcherLogin)).cookie });
    sockets.push(dispatcher);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await Promise.all([a?.close(), b?.close()]);
    await drop?.();
  });

  it('an order sent on node A reaches every officer on node B; their acknowledgements reach the board on node A', async () => {
    const received = officers.map((o) => nextEvent<AssignmentView>(o.socket, 'order:assigned'));
    const res = await dispatcher.emitWithAck('order:create', {
      clientId: `mn-${Date.now()}`,
      title: '全员签收测试',
      body: '两节点之间的指令下达与签收。',
      priority: 'flash',
      targets: officers.map((o) => ({ kind: 'user' as const, userId: o.id })),
    });
    if (!res.ok) throw new Error(res.error.message);
    await dispatcher.emitWithAck('order:watch', { orderIds: [res.order.id] });
    expect((await Promise.all(received)).every((r) => r.order.id === res.order.id)).toBe(true);

    await Promise.all(
      officers.map((o) =>
        o.socket.emitWithAck('order:act', { action: 'acknowledge', orderId: res.order.id, clientId: `ack-${o.id}` }),
      ),
    );
    await expect
      .poll(async () => (await nextEvent<BoardView>(dispatcher, 'order:board', 2000)).counts.acknowledged, {
        timeout: 5000,
      })
      .toBe(officers.length);
  });

  it("tells each person's other devices of their own acknowledgement on either node, and nobody else of it, not even the acting socket", async () => {
    const [first] = officers;
    // The first officer's second device is on node A; every officer acknowledges from node B.
    const firstLogin = (
      await a.hub.store.db.selectFrom('users').select('login').where('id', '=', first!.id).executeTakeFirstOrThrow()
    ).login;
    const desk = await connectSocket(a.url, { cookie: (await login(a.url, firstLogin)).cookie });
    sockets.push(desk);
    // One order reaches both nodes' sockets: the local fan-out on A and the other node's on B.
    const arrivals = [desk, ...officers.map((o) => o.socket)].map((s) =>
      nextEvent<AssignmentView>(s, 'order:assigned'),
    );
    const res = await dispatcher.emitWithAck('order:create', {
      clientId: `progress-${Date.now()}`,
      title: '多端签收同步',
      body: '签收后本人其他终端同步，他人不受影响。',
      priority: 'urgent',
      targets: officers.map((o) => ({ kind: 'user' as const, userId: o.id })),
    });
    if (!res.ok) throw new Error(res.error.message);
    expect((await Promise.all(arrivals)).map((a) => a.order.id)).toEqual(Array(officers.length + 1).fill(res.order.id));
    const heard = new Map<TestSocket, AssignmentView[]>();
    for (const s of [desk, ...officers.map((o) => o.socket)]) {
      heard.set(s, []);
      s.on('order:progressed', (v) => v.order.id === res.order.id && heard.get(s)!.push(v));
    }
    const acks = await Promise.all(
      officers.map((o) =>
        o.socket.emitWithAck('order:act', { action: 'acknowledge', orderId: res.order.id, clientId: `pg-${o.id}` }),
      ),
    );
    expect(acks.every((r) => r.ok && r.state === 'acknowledged')).toBe(true);

    await expect.poll(() => heard.get(desk)!.length, { timeout: 5000 }).toBe(1);
    await new Promise((r) => setTimeout(r, 300)); // anything stray or doubled would have come by now
    const [onDesk] = heard.get(desk)!;
    expect(onDesk).toMatchObject({ state: 'acknowledged', order: { id: res.order.id, title: '多端签收同步' } });
    expect(onDesk!.acknowledgedAt).toEqual(expect.any(Number));
    // The acknowledging sockets had their answer: they hear no echo of it, nor of twenty colleagues'.
    for (const o of officers) expect(heard.get(o.socket)).toEqual([]);
  });

  it('sends each reminder and escalation exactly once while both nodes sweep at the same moment', async () => {
    const [late] = officers;
    const res = await dispatcher.emitWithAck('order:create', {
      clientId: `sweep-${Date.now()}`,
      title: '超时催办',
      body: '两个节点同时巡检，只应提醒一次。',
      priority: 'urgent',
      targets: [{ kind: 'user', userId: late!.id }],
    });
    if (!res.ok) throw new Error(res.error.message);
    const db = a.hub.store.db;
    const reminders: OrderRemindedEvent[] = [];
    const escalations: OrderEscalatedEvent[] = [];
    late!.socket.on('order:reminded', (e) => e.orderId === res.order.id && reminders.push(e));
    dispatcher.on('order:escalated', (e) => e.orderId === res.order.id && escalations.push(e));

    for (let round = 0; round < 2; round++) {
      await db
        .updateTable('order_recipients')
        .set({ next_chase_at: Date.now() - 1000 })
        .where('order_id', '=', res.order.id)
        .execute();
      const results = await Promise.all([
        a.hub.sweepOrders(),
        b.hub.sweepOrders(),
        a.hub.sweepOrders(),
        b.hub.sweepOrders(),
      ]);
      const total = results.reduce((n, r) => n + r.reminded + r.escalated, 0);
      expect(total).toBe(1);
    }
    await expect.poll(() => reminders.length + escalations.length, { timeout: 3000 }).toBe(2);
    await new Promise((r) => setTimeout(r, 300));
    expect(reminders).toHaveLength(1);
    expect(escalations).toHaveLength(1);
    const events = await db
      .selectFrom('order_events')
      .select('kind')
      .where('order_id', '=', res.order.id)
      .where('kind', 'in', ['reminded', 'escalated'])
      .execute();
    expect(events.map((e) => e.kind).sort()).toEqual(['escalated', 'reminded']);
  });

  it('brings a return made on node B to the feed on node A with its reason; 改派 on A reaches the new officer on B live', async () => {
    const [from, to] = officers.slice(-2) as [(typeof officers)[number], (typeof officers)[number]];
    const res = await dispatcher.emitWithAck('order:create', {
      clientId: `mn-ra-${Date.now()}`,
      title: '跨节点改派',
      body: '退回与改派在两节点之间。',
      priority: 'urgent',
      targets: [{ kind: 'user', userId: from.id }],
    });
    if (!res.ok) throw new Error(res.error.message);
    const heard = new Promise<OrderActivityEntry>((resolve) => {
      const on = ({ entries }: { entries: OrderActivityEntry[] }) => {
        const hit = entries.find((e) => e.order.id === res.order.id && e.kind === 'returned');
        if (!hit) return;
        dispatcher.off('order:activity-logged', on);
        resolve(hit);
      };
      dispatcher.on('order:activity-logged', on);
    });
    await from.socket.emitWithAck('order:act', {
      action: 'return',
      orderId: res.order.id,
      clientId: `mn-ret-${Date.now()}`,
      text: '不在本辖区',
    });
    expect(await heard).toMatchObject({ text: '不在本辖区', actor: { id: from.id } });

    const arrived = nextEvent<AssignmentView>(to.socket, 'order:assigned');
    const moved = await dispatcher.emitWithAck('order:reassign', {
      orderId: res.order.id,
      clientId: `mn-ra2-${Date.now()}`,
      fromUserId: from.id,
      toUserId: to.id,
    });
    expect(moved).toMatchObject({ ok: true, board: { returns: [{ userId: from.id, reason: '不在本辖区' }] } });
    expect(await arrived).toMatchObject({ order: { id: res.order.id }, state: 'pending' });
  });
});
