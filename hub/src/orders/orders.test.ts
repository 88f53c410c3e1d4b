import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AssignmentView,
  BoardView,
  CreateOrderPayload,
  OrderActionPayload,
  OrderRemindedEvent,
  OrderView,
} from '../protocol/index.ts';
import {
  addStaff,
  connectSocket,
  demoLogin,
  firstStation,
  login,
  nextEvent,
  startTestHub,
  storeDialects,
  type TestHub,
  type TestSocket,
} from '../../test-support/index.ts';
import { dispatchRoom } from './order-notifier.ts';
import { takeRev } from './order-revs.ts';
import { createOrderViews } from './order-views.ts';

let seq = 0;
const cid = () => `client-${Date.now()}-${++seq}`;

/** Command orders over real sockets, on SQLite and PostgreSQL: the closed loop. */
for (const dialect of await storeDialects()) {
  describe.skipIf(!dialect.available)(`command orders on ${dialect.name}`, () => {
    let t: TestHub;
    let drop: () => Promise<void>;
    let databaseUrl: string | undefined;
    let dispatcher: TestSocket;
    let stationId: string;
    let squadId: string;
    const sockets: TestSocket[] = [];
    const open = async (loginName: string) => {
      const s = await connectSocket(t.url, { cookie: (await login(t.url, loginName)).cookie });
      sockets.push(s);
      return s;
    };
    const countOrders = async () =>
      Number(
        (
          await t.hub.store.db
            .selectFrom('orders')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const order = (
      targets: CreateOrderPayload['targets'],
      extra: Partial<CreateOrderPayload> = {},
    ): CreateOrderPayload => ({
      clientId: cid(),
      title: '核查可疑车辆',
      body: '请立即核查辖区内一辆白色面包车，车牌辽B·12345。',
      priority: 'urgent',
      targets,
      ...extra,
    });

    beforeAll(async () => {
      const target = await dialect.databaseUrl();
      drop = target.drop;
      databaseUrl = target.url;
      t = await startTestHub({
        databaseUrl,
        env: { ORDER_SWEEP_INTERVAL_MS: '3600000', ORDER_REMINDERS_BEFORE_ESCALATION: '1' },
      });
      const db = t.hub.store.db;
      const first = await firstStation(t.hub);
      stationId = first.stationId;
      const squad = await db
        .selectFrom('units')
        .select('id')
        .where('parent_id', '=', stationId)
        .where('name', '=', '案件打处中队')
        .executeTakeFirstOrThrow();
      squadId = squad.id;
      // The station's own command room, whose scope is the station (the city's dispatcher could reach everywhere).
      dispatcher = await open(first.dispatcherLogin);
    });
    afterAll(async () => {
      for (const s of sockets) s.close();
      await t?.close();
      await drop?.();
    });

    /** A new squad of `n` officers under the dispatcher's station. */
    async function newSquad(name: string, n: number, prefix: string) {
      const db = t.hub.store.db;
      const id = `${prefix}${Date.now()}`;
      const stationPath = (
        await db.selectFrom('units').select('path').where('id', '=', stationId).executeTakeFirstOrThrow()
      ).path;
      await db
        .insertInto('units')
        .values({
          id,
          parent_id: stationId,
          kind: 'squad',
          name,
          code: `${prefix}-${Date.now()}`,
          path: `${stationPath}${id}/`,
          sort: 999,
          created_at: Date.now(),
        })
        .execute();
      return { id, logins: await addStaff(t.hub, id, n, 'officer', prefix) };
    }

    it('reaches a squad of 50 connected officers; all acknowledge; the board reaches 50/50', async () => {
      const db = t.hub.store.db;
      const squad = await newSquad('巡逻中队', 50, 'p');
      const officers = await Promise.all(squad.logins.map(open));
      const received = officers.map((s) => nextEvent<AssignmentView>(s, 'order:assigned'));

      const res = await dispatcher.emitWithAck(
        'order:create',
        order([{ kind: 'unit', unitId: squad.id }], { priority: 'flash' }),
      );
      if (!res.ok) throw new Error(res.error.message);
      expect(res.recipients).toBe(50);
      const watched = await dispatcher.emitWithAck('order:watch', { orderIds: [res.order.id] });
      expect(watched).toMatchObject({ ok: true, boards: [{ counts: { total: 50 } }] });

      const assignments = await Promise.all(received);
      expect(assignments.every((a) => a.order.id === res.order.id && a.state === 'pending')).toBe(true);
      // flash: two minutes to acknowledge by default
      expect(assignments[0]!.order.ackDueAt - assignments[0]!.order.createdAt).toBe(2 * 60_000);

      await Promise.all(
        officers.map((s) => s.emitWithAck('order:receipt', { orderIds: [res.order.id], state: 'delivered' })),
      );
      const acks = await Promise.all(
        officers.map((s) =>
          s.emitWithAck('order:act', { action: 'acknowledge', orderId: res.order.id, clientId: cid() }),
        ),
      );
      expect(acks.every((a) => a.ok && a.state === 'acknowledged' && a.changed)).toBe(true);

      await expect
        .poll(
          async () => {
            const b = await nextEvent<BoardView>(dispatcher, 'order:board', 2000);
            return b.counts;
          },
          { timeout: 5000 },
        )
        .toMatchObject({ total: 50, delivered: 50, acknowledged: 50 });
      const rows = await db
        .selectFrom('order_recipients')
        .select('state')
        .where('order_id', '=', res.order.id)
        .execute();
      expect(rows.filter((r) => r.state === 'acknowledged')).toHaveLength(50);
    });

    it('gives an officer who was offline during the send the order on reconnect, once', async () => {
      const officerLogin = await demoLogin(t.hub, 'officer');
      const first = await open(officerLogin);
      const synced = await first.emitWithAck('order:sync', { since: 0 });
      if (!synced.ok) throw new Error(synced.error.message);
      const cursor = synced.cursor;
      first.close();

      const me = (await login(t.url, officerLogin)).body.me;
      const sent = await dispatcher.emitWithAck(
        'order:create',
        order([{ kind: 'user', userId: me.id }], { title: '离线期间的指令' }),
      );
      if (!sent.ok) throw new Error(sent.error.message);

      const back = await open(officerLogin);
      const caught = await back.emitWithAck('order:sync', { since: cursor });
      if (!caught.ok) throw new Error(caught.error.message);
      expect(caught.assignments.map((a) => a.order.title)).toEqual(['离线期间的指令']);
      const again = await back.emitWithAck('order:sync', { since: caught.cursor });
      expect(again).toMatchObject({ ok: true, assignments: [] });
    });

    it('stores one order for a retried send with the same client id', async () => {
      const me = (await login(t.url, await demoLogin(t.hub, 'officer'))).body.me;
      const payload = order([{ kind: 'user', userId: me.id }]);
      const before = await countOrders();
      const a = await dispatcher.emitWithAck('order:create', payload);
      const b = await dispatcher.emitWithAck('order:create', payload);
      expect(a.ok && b.ok && a.order.id === b.order.id).toBe(true);
      expect(b).toMatchObject({ duplicate: true });
      expect(await countOrders()).toBe(before + 1);
    });

    it('moves a recipient only forward: a duplicate acknowledgement and a late read change nothing', async () => {
      const officerLogin = await demoLogin(t.hub, 'officer');
      const s = await open(officerLogin);
      const me = (await login(t.url, officerLogin)).body.me;
      const sent = await dispatcher.emitWithAck('order:create', order([{ kind: 'user', userId: me.id }]));
      if (!sent.ok) throw new Error(sent.error.message);
      const id = sent.order.id;
      expect(await s.emitWithAck('order:act', { action: 'acknowledge', orderId: id, clientId: cid() })).toMatchObject({
        ok: true,
        state: 'acknowledged',
        changed: true,
      });
      expect(await s.emitWithAck('order:act', { action: 'acknowledge', orderId: id, clientId: cid() })).toMatchObject({
        ok: true,
        state: 'acknowledged',
        changed: false,
      });
      expect(await s.emitWithAck('order:receipt', { orderIds: [id], state: 'read' })).toMatchObject({
        ok: true,
        updated: 0,
      });
      const noteId = cid();
      expect(
        await s.emitWithAck('order:act', {
          action: 'note',
          orderId: id,
          clientId: noteId,
          text: '已到达现场，正在核查',
        }),
      ).toMatchObject({ ok: true });
      expect(
        await s.emitWithAck('order:act', {
          action: 'note',
          orderId: id,
          clientId: noteId,
          text: '已到达现场，正在核查',
        }),
      ).toMatchObject({ ok: true, changed: false });
      expect(
        await s.emitWithAck('order:act', {
          action: 'complete',
          orderId: id,
          clientId: cid(),
          text: '车辆已找到，无异常',
        }),
      ).toMatchObject({ ok: true, state: 'completed' });
      expect(
        await s.emitWithAck('order:act', { action: 'return', orderId: id, clientId: cid(), text: '不属于我辖区' }),
      ).toMatchObject({ ok: false, error: { code: 'conflict' } });
      const row = await t.hub.store.db
        .selectFrom('order_recipients')
        .selectAll()
        .where('order_id', '=', id)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ state: 'completed', feedback: '车辆已找到，无异常' });
      expect(row.acknowledged_at).not.toBeNull();
      const notes = await t.hub.store.db
        .selectFrom('order_events')
        .select('kind')
        .where('order_id', '=', id)
        .where('kind', '=', 'note')
        .execute();
      expect(notes).toHaveLength(1);
    });

    it('counts one acknowledgement when two devices of one person acknowledge at the same moment', async () => {
      const officerLogin = await demoLogin(t.hub, 'officer');
      const [phone, desk] = [await open(officerLogin), await open(officerLogin)];
      const me = (await login(t.url, officerLogin)).body.me;
      const sent = await dispatcher.emitWithAck('order:create', order([{ kind: 'user', userId: me.id }]));
      if (!sent.ok) throw new Error(sent.error.message);
      const both = await Promise.all(
        [phone, desk].map((s) =>
          s.emitWithAck('order:act', { action: 'acknowledge', orderId: sent.order.id, clientId: cid() }),
        ),
      );
      expect(both.filter((r) => r.ok && r.changed)).toHaveLength(1);
      expect(both.every((r) => r.ok && r.state === 'acknowledged')).toBe(true);
      const events = await t.hub.store.db
        .selectFrom('order_events')
        .select('id')
        .where('order_id', '=', sent.order.id)
        .where('kind', '=', 'acknowledged')
        .execute();
      expect(events).toHaveLength(1);
    });

    it('lets a recipient hand an order back with a reason, visible on the timeline', async () => {
      const officerLogin = await demoLogin(t.hub, 'officer');
      const s = await open(officerLogin);
      const me = (await login(t.url, officerLogin)).body.me;
      const sent = await dispatcher.emitWithAck('order:create', order([{ kind: 'user', userId: me.id }]));
      if (!sent.ok) throw new Error(sent.error.message);
      expect(
        await s.emitWithAck('order:act', {
          action: 'return',
          orderId: sent.order.id,
          clientId: cid(),
          text: '该地址不属于本社区',
        }),
      ).toMatchObject({ ok: true, state: 'returned' });
      const events = await t.hub.store.db
        .selectFrom('order_events')
        .select(['kind', 'text'])
        .where('order_id', '=', sent.order.id)
        .orderBy('id')
        .execute();
      expect(events.map((e) => e.kind)).toEqual(['created', 'returned']);
      expect(events[1]!.text).toBe('该地址不属于本社区');
    });

    it('sends amendments and cancellations to the recipients', async () => {
      const officerLogin = await demoLogin(t.hub, 'officer');
      const s = await open(officerLogin);
      const me = (await login(t.url, officerLogin)).body.me;
      const sent = await dispatcher.emitWithAck('order:create', order([{ kind: 'user', userId: me.id }]));
      if (!sent.ok) throw new Error(sent.error.message);
      const changed = nextEvent<OrderView>(s, 'order:changed');
      expect(
        await dispatcher.emitWithAck('order:amend', { orderId: sent.order.id, body: '车牌更正为辽B·54321' }),
      ).toMatchObject({ ok: true, order: { body: '车牌更正为辽B·54321' } });
      expect((await changed).body).toBe('车牌更正为辽B·54321');
      const cancelled = nextEvent<OrderView>(s, 'order:changed');
      expect(
        await dispatcher.emitWithAck('order:cancel', { orderId: sent.order.id, reason: '警情已撤销' }),
      ).toMatchObject({ ok: true, order: { status: 'cancelled' } });
      expect(await cancelled).toMatchObject({ status: 'cancelled', cancelReason: '警情已撤销' });
      expect(
        await s.emitWithAck('order:act', { action: 'acknowledge', orderId: sent.order.id, clientId: cid() }),
      ).toMatchObject({ ok: false, error: { code: 'conflict' } });
    });

    it('refuses absurd deadlines on create and amend, changing nothing', async () => {
      const me = (await login(t.url, await demoLogin(t.hub, 'officer'))).body.me;
      const to = [{ kind: 'user' as const, userId: me.id }];
      const before = await countOrders();
      const year = 366 * 86_400_000;
      const absurd = [
        { completeDueAt: Number.MAX_SAFE_INTEGER },
        { completeDueAt: Date.now() + 2 * year },
        { ackDueAt: 1000 },
      ];
      for (const extra of [...absurd, { ackDueAt: Date.now() + 3_600_000, completeDueAt: 86_400_000 }]) {
        const res = await dispatcher.emitWithAck('order:create', order(to, extra));
        expect(res).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
      }
      expect(await countOrders()).toBe(before);
      const sent = await dispatcher.emitWithAck(
        'order:create',
        order(to, { completeDueAt: Date.now() + 30 * 86_400_000 }),
      );
      if (!sent.ok) throw new Error(sent.error.message);
      for (const extra of absurd) {
        const res = await dispatcher.emitWithAck('order:amend', { orderId: sent.order.id, ...extra });
        expect(res).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
      }
      const stored = await t.hub.store.db
        .selectFrom('orders')
        .select(['ack_due_at', 'complete_due_at'])
        .where('id', '=', sent.order.id)
        .executeTakeFirstOrThrow();
      expect([Number(stored.ack_due_at), Number(stored.complete_due_at)]).toEqual([
        sent.order.ackDueAt,
        sent.order.completeDueAt,
      ]);
    });

    it('reminds at the deadline, escalates once to the station head and the issuer, and never twice', async () => {
      const db = t.hub.store.db;
      const officerLogin = await demoLogin(t.hub, 'officer');
      const s = await open(officerLogin);
      const me = (await login(t.url, officerLogin)).body.me;
      const head = await open(await demoLogin(t.hub, 'station_head'));
      const sent = await dispatcher.emitWithAck(
        'order:create',
        order([{ kind: 'user', userId: me.id }], { title: '超时测试' }),
      );
      if (!sent.ok) throw new Error(sent.error.message);
      const past = Date.now() - 1000;
      const due = () =>
        db.updateTable('order_recipients').set({ next_chase_at: past }).where('order_id', '=', sent.order.id).execute();

      await due();
      const reminded = nextEvent<OrderRemindedEvent>(s, 'order:reminded');
      expect(await t.hub.sweepOrders()).toEqual({ reminded: 1, escalated: 0 });
      expect(await reminded).toMatchObject({ orderId: sent.order.id, phase: 'ack', manual: false });
      expect(await t.hub.sweepOrders()).toEqual({ reminded: 0, escalated: 0 });

      await due();
      const headSaw = nextEvent<{ subject: { id: string } }>(head, 'order:escalated');
      const dispatcherSaw = nextEvent<{ subject: { id: string } }>(dispatcher, 'order:escalated');
      expect(await t.hub.sweepOrders()).toEqual({ reminded: 0, escalated: 1 });
      expect((await headSaw).subject.id).toBe(me.id);
      expect((await dispatcherSaw).subject.id).toBe(me.id);
      expect(await t.hub.sweepOrders()).toEqual({ reminded: 0, escalated: 0 });
      const kinds = (
        await db.selectFrom('order_events').select('kind').where('order_id', '=', sent.order.id).execute()
      ).map((e) => e.kind);
      expect(kinds.filter((k) => k === 'escalated')).toHaveLength(1);
    });

    it('pushes a new order live to exactly the people it stored, whatever the mix of targets', async () => {
      const db = t.hub.store.db;
      const me = await db
        .selectFrom('users')
        .select(['id', 'unit_id'])
        .where('login', '=', (await firstStation(t.hub)).dispatcherLogin)
        .executeTakeFirstOrThrow();
      const community = await db
        .selectFrom('units')
        .select(['id', 'path'])
        .where('parent_id', '=', stationId)
        .where('kind', '=', 'community')
        .orderBy('sort')
        .executeTakeFirstOrThrow();
      const named = await db
        .selectFrom('users')
        .select(['id', 'login'])
        .where('unit_id', '=', squadId)
        .where('role', '=', 'officer')
        .executeTakeFirstOrThrow();
      // Everyone who could be caught by mistake: the whole community subtree (residents and officers
      // too), the dispatcher's own command room (the dispatcher included), the named officer.
      const around = await db
        .selectFrom('users')
        .innerJoin('units', 'units.id', 'users.unit_id')
        .select(['users.id', 'users.login'])
        .where((eb) => eb.or([eb('units.path', 'like', `${community.path}%`), eb('users.unit_id', '=', me.unit_id)]))
        .where('users.role', '!=', 'bot')
        .execute();
      const listeners = await Promise.all(
        [...around, named].filter((u) => u.id !== me.id).map(async (u) => ({ id: u.id, socket: await open(u.login) })),
      );
      listeners.push({ id: me.id, socket: dispatcher });
      const heard = new Set<string>();
      let title = '';
      for (const l of listeners) l.socket.on('order:assigned', (a) => a.order.title === title && heard.add(l.id));
      title = `混合目标 ${Date.now()}`;
      const sent = await dispatcher.emitWithAck(
        'order:create',
        order(
          [
            { kind: 'unit', unitId: community.id, roles: ['grid_worker', 'auxiliary'] },
            { kind: 'unit', unitId: me.unit_id },
            { kind: 'user', userId: named.id },
          ],
          { title },
        ),
      );
      if (!sent.ok) throw new Error(sent.error.message);
      const stored = (
        await db.selectFrom('order_recipients').select('user_id').where('order_id', '=', sent.order.id).execute()
      ).map((r) => r.user_id);
      await expect.poll(() => heard.size, { timeout: 5000 }).toBe(stored.length);
      await new Promise((r) => setTimeout(r, 200)); // anyone else would have heard by now
      expect([...heard].sort()).toEqual([...stored].sort());
      expect(stored).toContain(named.id);
      expect(stored).not.toContain(me.id);
      const fromCommunity = await db
        .selectFrom('users')
        .innerJoin('units', 'units.id', 'users.unit_id')
        .select('users.role')
        .where('users.id', 'in', stored)
        .where('units.path', 'like', `${community.path}%`)
        .execute();
      expect(fromCommunity.length).toBeGreaterThan(0);
      expect(new Set(fromCommunity.map((r) => r.role))).toEqual(new Set(['grid_worker', 'auxiliary']));
    });

    it('counts every state and the late on the board, and names the first 50 still to acknowledge by name', async () => {
      const db = t.hub.store.db;
      const squad = await newSquad('夜巡中队', 60, 'b');
      const people = await db
        .selectFrom('users')
        .select(['id', 'login', 'name'])
        .where('unit_id', '=', squad.id)
        .execute();
      const sent = await dispatcher.emitWithAck('order:create', order([{ kind: 'unit', unitId: squad.id }]));
      if (!sent.ok) throw new Error(sent.error.message);
      const [acks, completes, returns, reads, delivers] = await Promise.all(
        people.slice(0, 5).map((p) => open(p.login)),
      );
      const act = async (s: TestSocket, p: OrderActionPayload) =>
        expect(await s.emitWithAck('order:act', p)).toMatchObject({ ok: true, changed: true });
      await act(acks!, { action: 'acknowledge', orderId: sent.order.id, clientId: cid() });
      await act(completes!, { action: 'complete', orderId: sent.order.id, clientId: cid(), text: '已处置' });
      await act(returns!, { action: 'return', orderId: sent.order.id, clientId: cid(), text: '不在辖区' });
      expect(await reads!.emitWithAck('order:receipt', { orderIds: [sent.order.id], state: 'read' })).toMatchObject({
        ok: true,
        updated: 1,
      });
      expect(
        await delivers!.emitWithAck('order:receipt', { orderIds: [sent.order.id], state: 'delivered' }),
      ).toMatchObject({ ok: true, updated: 1 });
      // The acknowledgement deadline passes; the completion deadline has not.
      await db
        .updateTable('orders')
        .set({ ack_due_at: Date.now() - 1000 })
        .where('id', '=', sent.order.id)
        .execute();

      const watched = await dispatcher.emitWithAck('order:watch', { orderIds: [sent.order.id] });
      if (!watched.ok) throw new Error(watched.error.message);
      const [board] = watched.boards;
      // 55 untouched + delivered + read = 57 still to acknowledge, all late; the acknowledged one is not late yet.
      expect(board!.counts).toEqual({
        total: 60,
        delivered: 5,
        read: 4,
        acknowledged: 2,
        completed: 1,
        returned: 1,
        overdue: 57,
      });
      const stillToAcknowledge = people
        .slice(3)
        .map((p) => p.name)
        .sort();
      expect(board!.pending.map((p) => p.name)).toEqual(stillToAcknowledge.slice(0, 50));
      expect(board!.pending.find((p) => p.userId === people[3]!.id)).toMatchObject({ state: 'read' });
      expect(board!.pending.find((p) => p.userId === people[4]!.id)).toMatchObject({ state: 'delivered' });
    });

    it('lets a dispatcher chase pending recipients by hand', async () => {
      const officerLogin = await demoLogin(t.hub, 'officer');
      const s = await open(officerLogin);
      const me = (await login(t.url, officerLogin)).body.me;
      const sent = await dispatcher.emitWithAck('order:create', order([{ kind: 'user', userId: me.id }]));
      if (!sent.ok) throw new Error(sent.error.message);
      const chased = nextEvent<OrderRemindedEvent>(s, 'order:reminded');
      expect(await dispatcher.emitWithAck('order:chase', { orderId: sent.order.id })).toMatchObject({
        ok: true,
        chased: [me.id],
      });
      expect(await chased).toMatchObject({ manual: true, phase: 'ack' });
    });

    it('lets a recipient forward (转派) to their own unit; the original board rolls the sub-assignment up', async () => {
      const db = t.hub.store.db;
      const community = await db
        .selectFrom('units')
        .select('id')
        .where('parent_id', '=', stationId)
        .where('kind', '=', 'community')
        .orderBy('sort')
        .executeTakeFirstOrThrow();
      const people = await db
        .selectFrom('users')
        .select(['id', 'login', 'role'])
        .where('unit_id', '=', community.id)
        .execute();
      const officer = people.find((p) => p.role === 'officer')!;
      const auxiliary = people.find((p) => p.role === 'auxiliary')!;
      const outsider = await db
        .selectFrom('users')
        .innerJoin('units', 'units.id', 'users.unit_id')
        .select('users.id')
        .where('users.role', '=', 'grid_worker')
        .where('units.path', 'not like', `%/${community.id}/%`)
        .executeTakeFirstOrThrow();
      const o = await open(officer.login);
      const aux = await open(auxiliary.login);
      const sent = await dispatcher.emitWithAck(
        'order:create',
        order([{ kind: 'user', userId: officer.id }], { title: '走访独居老人' }),
      );
      if (!sent.ok) throw new Error(sent.error.message);
      await dispatcher.emitWithAck('order:watch', { orderIds: [sent.order.id] });

      const before = await countOrders();
      expect(
        await o.emitWithAck('order:forward', { orderId: sent.order.id, clientId: cid(), userIds: [outsider.id] }),
      ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(
        await aux.emitWithAck('order:forward', { orderId: sent.order.id, clientId: cid(), userIds: [officer.id] }),
      ).toMatchObject({ ok: false, error: { code: 'not_found' } });
      expect(await countOrders()).toBe(before);

      const arrived = nextEvent<AssignmentView>(aux, 'order:assigned');
      const fwdId = cid();
      const fwd = await o.emitWithAck('order:forward', {
        orderId: sent.order.id,
        clientId: fwdId,
        userIds: [auxiliary.id],
        note: '请协助上门',
      });
      if (!fwd.ok) throw new Error(fwd.error.message);
      expect(
        await o.emitWithAck('order:forward', { orderId: sent.order.id, clientId: fwdId, userIds: [auxiliary.id] }),
      ).toMatchObject({ ok: true, duplicate: true });
      const sub = await arrived;
      expect(sub.order).toMatchObject({ parentOrderId: sent.order.id, title: '走访独居老人' });
      expect(sub.order.body).toContain('请协助上门');
      await aux.emitWithAck('order:act', { action: 'acknowledge', orderId: sub.order.id, clientId: cid() });
      await expect
        .poll(async () => (await nextEvent<BoardView>(dispatcher, 'order:board', 2000)).forwarded, { timeout: 5000 })
        .toEqual({ total: 1, acknowledged: 1, completed: 0 });
    });

    it("keeps a person's other devices, and the other dispatchers of the scope, up to date", async () => {
      const db = t.hub.store.db;
      const officerLogin = await demoLogin(t.hub, 'officer');
      const phone = await open(officerLogin);
      const desk = await open(officerLogin);
      const me = (await login(t.url, officerLogin)).body.me;
      const colleagues = await db
        .selectFrom('users')
        .innerJoin('units', 'units.id', 'users.unit_id')
        .select('users.login')
        .where('users.role', '=', 'dispatcher')
        .where('units.parent_id', '=', stationId)
        .execute();
      const colleague = await open(colleagues[1]!.login);
      await new Promise((r) => setTimeout(r, 100)); // the dispatch room is joined right after connecting
      const issued = nextEvent<{ order: OrderView }>(colleague, 'order:issued');
      const sent = await dispatcher.emitWithAck(
        'order:create',
        order([{ kind: 'user', userId: me.id }], { title: '多端同步' }),
      );
      if (!sent.ok) throw new Error(sent.error.message);
      expect((await issued).order.id).toBe(sent.order.id);
      const echoes: AssignmentView[] = [];
      phone.on('order:progressed', (a) => echoes.push(a));
      const progressed = nextEvent<AssignmentView>(desk, 'order:progressed');
      await phone.emitWithAck('order:act', { action: 'acknowledge', orderId: sent.order.id, clientId: cid() });
      expect(await progressed).toMatchObject({ state: 'acknowledged', order: { id: sent.order.id } });
      const completed = nextEvent<AssignmentView>(desk, 'order:progressed');
      await phone.emitWithAck('order:act', {
        action: 'complete',
        orderId: sent.order.id,
        clientId: cid(),
        text: '已核查，无异常',
      });
      expect(await completed).toMatchObject({ state: 'completed', feedback: '已核查，无异常' });
      // The phone acted: its answers told it; it gets no echo of either change.
      expect(echoes).toEqual([]);
    });

    it("shows a recipient their order's history and their own entries, not their colleagues'", async () => {
      const db = t.hub.store.db;
      const community = await db
        .selectFrom('units')
        .select('id')
        .where('parent_id', '=', stationId)
        .where('kind', '=', 'community')
        .orderBy('sort')
        .executeTakeFirstOrThrow();
      const people = await db
        .selectFrom('users')
        .select(['id', 'login', 'role'])
        .where('unit_id', '=', community.id)
        .execute();
      const [a, b] = [people.find((p) => p.role === 'officer')!, people.find((p) => p.role === 'auxiliary')!];
      const sa = await open(a.login);
      const sb = await open(b.login);
      const sent = await dispatcher.emitWithAck(
        'order:create',
        order([
          { kind: 'user', userId: a.id },
          { kind: 'user', userId: b.id },
        ]),
      );
      if (!sent.ok) throw new Error(sent.error.message);
      await sa.emitWithAck('order:act', { action: 'note', orderId: sent.order.id, clientId: cid(), text: 'A 的进展' });
      await sb.emitWithAck('order:act', { action: 'note', orderId: sent.order.id, clientId: cid(), text: 'B 的进展' });
      const cookie = (await login(t.url, a.login)).cookie;
      const res = await fetch(`${t.url}/api/orders/${sent.order.id}/timeline`, { headers: { cookie } });
      expect(res.status).toBe(200);
      const { timeline } = (await res.json()) as { timeline: { kind: string; text: string | null }[] };
      expect(timeline.map((e) => e.kind)).toEqual(['created', 'note']);
      expect(timeline[1]!.text).toBe('A 的进展');
      const residentCookie = (await login(t.url, await demoLogin(t.hub, 'resident'))).cookie;
      expect(
        (await fetch(`${t.url}/api/orders/${sent.order.id}/timeline`, { headers: { cookie: residentCookie } })).status,
      ).toBe(404);
    });

    it('answers a retried action as the first try did, even after the order was cancelled', async () => {
      const officerLogin = await demoLogin(t.hub, 'officer');
      const s = await open(officerLogin);
      const me = (await login(t.url, officerLogin)).body.me;
      const sent = await dispatcher.emitWithAck('order:create', order([{ kind: 'user', userId: me.id }]));
      if (!sent.ok) throw new Error(sent.error.message);
      const done = { action: 'complete' as const, orderId: sent.order.id, clientId: cid(), text: '已处置' };
      expect(await s.emitWithAck('order:act', done)).toMatchObject({ ok: true, state: 'completed', changed: true });
      await dispatcher.emitWithAck('order:cancel', { orderId: sent.order.id, reason: '误发' }).catch(() => undefined);
      expect(await s.emitWithAck('order:act', done)).toMatchObject({ ok: true, state: 'completed', changed: false });
    });

    it('tells a client whose cursor is beyond this store to start again', async () => {
      const s = await open(await demoLogin(t.hub, 'officer'));
      expect(await s.emitWithAck('order:sync', { since: 10_000_000 })).toMatchObject({
        ok: true,
        reset: true,
        cursor: 0,
      });
    });

    it("keeps each person's duty status (在岗/离岗) and shows it on their profile", async () => {
      const officerLogin = await demoLogin(t.hub, 'officer');
      const s = await open(officerLogin);
      expect(await s.emitWithAck('duty:set', { onDuty: true })).toMatchObject({ ok: true, onDuty: true });
      expect((await login(t.url, officerLogin)).body.me.onDuty).toBe(true);
      expect(await s.emitWithAck('duty:set', { onDuty: false })).toMatchObject({ ok: true, onDuty: false });
      expect((await login(t.url, officerLogin)).body.me.onDuty).toBe(false);
      const resident = await open(await demoLogin(t.hub, 'resident'));
      expect(await resident.emitWithAck('duty:set', { onDuty: true })).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
    });

    it('order:sync never splits a rev across pages, even when one rev fills a whole page', async () => {
      const db = t.hub.store.db;
      const me = (await login(t.url, await demoLogin(t.hub, 'officer'))).body.me;
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const sent = await dispatcher.emitWithAck(
          'order:create',
          order([{ kind: 'user', userId: me.id }], { title: `同批次${i}` }),
        );
        if (!sent.ok) throw new Error(sent.error.message);
        ids.push(sent.order.id);
      }
      // One write that touched all three (as one batch of receipts does), later than anything else of theirs.
      const rev = await db.transaction().execute(async (trx) => {
        const rev = await takeRev(trx);
        await trx
          .updateTable('order_recipients')
          .set({ rev })
          .where('user_id', '=', me.id)
          .where('order_id', 'in', ids)
          .execute();
        return rev;
      });
      const views = createOrderViews(db, Date.now);
      const page = await views.assignmentsSince(me.id, rev - 1, rev, 2);
      expect(page.assignments.map((a) => a.order.id).sort()).toEqual([...ids].sort());
      expect(page.cursor).toBe(rev);
      expect((await views.assignmentsSince(me.id, page.cursor, rev, 2)).assignments).toEqual([]);
    });

    it.skipIf(dialect.name !== 'postgres')(
      "a dispatcher's first order:watch answers only once new orders of their scope reach them live",
      async () => {
        const { cookie } = await login(t.url, (await firstStation(t.hub)).dispatcherLogin);
        const room = dispatchRoom(stationId);
        const members = () => t.hub.realtime.io.of('/').adapter.rooms.get(room)?.size ?? 0;
        const before = members();
        // Hold the units table so the connect-time lookup of the dispatcher's scope waits.
        const blocker = new pg.Client({ connectionString: databaseUrl });
        await blocker.connect();
        try {
          await blocker.query('begin');
          await blocker.query('lock table units in access exclusive mode');
          const s = await connectSocket(t.url, { cookie });
          sockets.push(s);
          for (;;) {
            const { rows } = await blocker.query(
              "select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()",
            );
            if (rows[0].n > 0) break;
            await new Promise((r) => setTimeout(r, 10));
          }
          const joinedAtAnswer = s.emitWithAck('order:watch', { orderIds: [] }).then(() => members() > before);
          // The sentinel: a command sent after the watch, answered while the lookup still waits.
          await s.emitWithAck('system:ping', {});
          await blocker.query('commit');
          expect(await joinedAtAnswer).toBe(true);
        } finally {
          await blocker.end();
        }
      },
    );

    describe('permissions', () => {
      it('an officer cannot create orders', async () => {
        const s = await open(await demoLogin(t.hub, 'officer'));
        const before = await countOrders();
        expect(await s.emitWithAck('order:create', order([{ kind: 'unit', unitId: squadId }]))).toMatchObject({
          ok: false,
          error: { code: 'forbidden' },
        });
        expect(await countOrders()).toBe(before);
      });

      it("nobody acts on another person's assignment, or manages another scope's order", async () => {
        const officerLogin = await demoLogin(t.hub, 'officer');
        const me = (await login(t.url, officerLogin)).body.me;
        const sent = await dispatcher.emitWithAck('order:create', order([{ kind: 'user', userId: me.id }]));
        if (!sent.ok) throw new Error(sent.error.message);
        const other = await open(await demoLogin(t.hub, 'auxiliary'));
        expect(
          await other.emitWithAck('order:act', { action: 'acknowledge', orderId: sent.order.id, clientId: cid() }),
        ).toMatchObject({ ok: false, error: { code: 'not_found' } });
        expect(await other.emitWithAck('order:cancel', { orderId: sent.order.id, reason: 'x' })).toMatchObject({
          ok: false,
          error: { code: 'not_found' },
        });
        const otherStationDispatcher = await t.hub.store.db
          .selectFrom('users')
          .innerJoin('units', 'units.id', 'users.unit_id')
          .select('users.login')
          .where('users.role', '=', 'dispatcher')
          .where('units.path', 'not like', `%${stationId}%`)
          .where('units.kind', '=', 'command_room')
          .where('units.code', 'like', 'BH-XC-%')
          .executeTakeFirstOrThrow();
        const foreign = await open(otherStationDispatcher.login);
        expect(await foreign.emitWithAck('order:chase', { orderId: sent.order.id })).toMatchObject({
          ok: false,
          error: { code: 'not_found' },
        });
        expect(await foreign.emitWithAck('order:watch', { orderIds: [sent.order.id] })).toMatchObject({
          ok: true,
          boards: [],
        });
      });

      it('a dispatcher cannot target outside their subtree', async () => {
        const outside = await t.hub.store.db
          .selectFrom('units')
          .select('id')
          .where('kind', '=', 'station')
          .where('id', '!=', stationId)
          .executeTakeFirstOrThrow();
        const before = await countOrders();
        expect(
          await dispatcher.emitWithAck('order:create', order([{ kind: 'unit', unitId: outside.id }])),
        ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
        expect(await countOrders()).toBe(before);
      });

      it('a resident reads no orders and creates none', async () => {
        const s = await open(await demoLogin(t.hub, 'resident'));
        expect(await s.emitWithAck('order:sync', { since: 0 })).toMatchObject({ ok: true, assignments: [] });
        expect(await s.emitWithAck('order:create', order([{ kind: 'unit', unitId: squadId }]))).toMatchObject({
          ok: false,
          error: { code: 'forbidden' },
        });
        const any = await t.hub.store.db.selectFrom('orders').select('id').executeTakeFirstOrThrow();
        expect(await s.emitWithAck('order:watch', { orderIds: [any.id] })).toMatchObject({ ok: true, boards: [] });
        const resident = (await login(t.url, await demoLogin(t.hub, 'resident'))).body.me;
        expect(
          await dispatcher.emitWithAck('order:create', order([{ kind: 'user', userId: resident.id }])),
        ).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
      });
    });

    describe('bad input gets a clear error and stores nothing', () => {
      const cases: [string, () => unknown, string][] = [
        ['unknown unit', () => order([{ kind: 'unit', unitId: 'no-such-unit' }]), 'not_found'],
        ['unknown person', () => order([{ kind: 'user', userId: 'no-such-person' }]), 'not_found'],
        [
          'past deadline',
          () => order([{ kind: 'unit', unitId: squadId }], { ackDueAt: Date.now() - 60_000 }),
          'validation_failed',
        ],
        [
          'completion before acknowledgement',
          () =>
            order([{ kind: 'unit', unitId: squadId }], {
              ackDueAt: Date.now() + 3_600_000,
              completeDueAt: Date.now() + 60_000,
            }),
          'validation_failed',
        ],
        ['empty text', () => order([{ kind: 'unit', unitId: squadId }], { body: '   ' }), 'validation_failed'],
        [
          'oversize text',
          () => order([{ kind: 'unit', unitId: squadId }], { body: '警'.repeat(4001) }),
          'validation_failed',
        ],
        ['no targets', () => order([]), 'validation_failed'],
        [
          'wrong types',
          () => ({ ...order([{ kind: 'unit', unitId: squadId }]), priority: 'whenever', targets: 'everyone' }),
          'validation_failed',
        ],
        [
          'unknown incident',
          () => order([{ kind: 'unit', unitId: squadId }], { incidentId: 'no-such-incident' }),
          'not_found',
        ],
      ];
      for (const [name, payload, code] of cases) {
        it(name, async () => {
          const before = await countOrders();
          expect(await dispatcher.emitWithAck('order:create', payload() as CreateOrderPayload)).toMatchObject({
            ok: false,
            error: { code },
          });
          expect(await countOrders()).toBe(before);
        });
      }
    });
  });
}
