import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChasePhase, CreateOrderPayload } from '../protocol/index.ts';
import { openStore, type Store } from '../store/database.ts';
import type { Database } from '../store/schema.ts';
import {
  addStaff,
  connectSocket,
  firstStation,
  login,
  startTestHub,
  storeDialects,
  type TestHub,
  type TestSocket,
} from '../../test-support/index.ts';
import { createOrderSweep, type SweepOptions } from './order-sweep.ts';
import type { OrderNotifier } from './order.service.ts';

let seq = 0;
const cid = () => `sweep-${Date.now()}-${++seq}`;
const OPTIONS: SweepOptions = { remindersBeforeEscalation: 3, reminderIntervalMs: 600_000, claimLeaseMs: 60_000 };

/** What a sweep told the transport, call by call (the real notifier fans these out to sockets). */
function recorder() {
  const reminded: { orderId: string; userIds: string[]; phase: ChasePhase }[] = [];
  const boards: string[] = [];
  const notify: OrderNotifier = {
    assigned() {},
    orderChanged() {},
    assignmentsChanged() {},
    issued() {},
    boardChanged: (orderId) => void boards.push(orderId),
    reminded: (orderId, userIds, phase) => void reminded.push({ orderId, userIds, phase }),
    escalated() {},
  };
  return { notify, reminded, boards };
}

/** The reminder sweep against a real store: claims bounded, settles only what it still holds, each notice once. */
for (const dialect of await storeDialects()) {
  describe.skipIf(!dialect.available)(`order sweep on ${dialect.name}`, () => {
    let t: TestHub;
    let drop: () => Promise<void>;
    let databaseUrl: string | undefined;
    let dispatcher: TestSocket;
    let squadId: string;
    let logins: string[];
    const sockets: TestSocket[] = [];
    const db = () => t.hub.store.db;

    beforeAll(async () => {
      const target = await dialect.databaseUrl();
      drop = target.drop;
      databaseUrl = target.url;
      t = await startTestHub({ databaseUrl, env: { ORDER_SWEEP_INTERVAL_MS: '3600000' } });
      const first = await firstStation(t.hub);
      dispatcher = await connectSocket(t.url, { cookie: (await login(t.url, first.dispatcherLogin)).cookie });
      sockets.push(dispatcher);
      const station = await db()
        .selectFrom('units')
        .select('path')
        .where('id', '=', first.stationId)
        .executeTakeFirstOrThrow();
      squadId = `sw${Date.now()}`;
      await db()
        .insertInto('units')
        .values({
          id: squadId,
          parent_id: first.stationId,
          kind: 'squad',
          name: '清查中队',
          code: `sw-${Date.now()}`,
          path: `${station.path}${squadId}/`,
          sort: 999,
          created_at: Date.now(),
        })
        .execute();
      logins = await addStaff(t.hub, squadId, 300, 'officer', 'sw');
    });
    afterAll(async () => {
      for (const s of sockets) s.close();
      await t?.close();
      await drop?.();
    });

    /** An order to the whole squad, every recipient already due for an acknowledgement reminder. */
    async function dueOrder(): Promise<string> {
      const payload: CreateOrderPayload = {
        clientId: cid(),
        title: '清查出租屋',
        body: '请于今晚完成辖区出租屋清查。',
        priority: 'urgent',
        targets: [{ kind: 'unit', unitId: squadId }],
      };
      const res = await dispatcher.emitWithAck('order:create', payload);
      if (!res.ok) throw new Error(res.error.message);
      await db()
        .updateTable('order_recipients')
        .set({ next_chase_at: Date.now() - 1000 })
        .where('order_id', '=', res.order.id)
        .execute();
      return res.order.id;
    }
    const remindedEvents = async (orderId: string) =>
      (
        await db()
          .selectFrom('order_events')
          .select('subject_id')
          .where('order_id', '=', orderId)
          .where('kind', '=', 'reminded')
          .execute()
      ).map((e) => e.subject_id!);

    it('claims at most one batch at a time and announces one reminder per order for the whole pass', async () => {
      const orderId = await dueOrder();
      const r = recorder();
      const sweep = createOrderSweep({ db: db(), notify: r.notify, options: { ...OPTIONS, batchSize: 40 } });
      const claimed = await sweep.claim(Date.now());
      expect(claimed).toHaveLength(40);
      await sweep.settle(claimed, Date.now());
      expect(await sweep.run()).toEqual({ reminded: 260, escalated: 0 });
      expect(r.reminded).toHaveLength(1);
      expect(r.reminded[0]).toMatchObject({ orderId, phase: 'ack' });
      expect(r.reminded[0]!.userIds).toHaveLength(260);
      expect(r.boards).toEqual([orderId]);
      expect(await remindedEvents(orderId)).toHaveLength(300);
    });

    it('an acknowledgement between claim and settle is not re-armed for reminders, nor reminded', async () => {
      const orderId = await dueOrder();
      const sweep = createOrderSweep({ db: db(), notify: recorder().notify, options: { ...OPTIONS, batchSize: 1000 } });
      const claimed = await sweep.claim(Date.now());
      expect(claimed).toHaveLength(300);
      const officer = await connectSocket(t.url, { cookie: (await login(t.url, logins[0]!)).cookie });
      sockets.push(officer);
      const me = (await db().selectFrom('users').select('id').where('login', '=', logins[0]!).executeTakeFirstOrThrow())
        .id;
      const ack = await officer.emitWithAck('order:act', { orderId, action: 'acknowledge', clientId: cid() });
      expect(ack).toMatchObject({ ok: true, state: 'acknowledged', changed: true });

      const settled = await sweep.settle(claimed, Date.now());
      expect(settled.flatMap((g) => g.userIds)).toHaveLength(299);
      expect(settled.flatMap((g) => g.userIds)).not.toContain(me);
      const row = await db()
        .selectFrom('order_recipients')
        .select(['state', 'next_chase_at', 'ack_reminders'])
        .where('order_id', '=', orderId)
        .where('user_id', '=', me)
        .executeTakeFirstOrThrow();
      const order = await db()
        .selectFrom('orders')
        .select('complete_due_at')
        .where('id', '=', orderId)
        .executeTakeFirstOrThrow();
      // The completion deadline set by the acknowledgement stands: no early completion reminder.
      expect(row).toEqual({ state: 'acknowledged', next_chase_at: order.complete_due_at, ack_reminders: 0 });
      expect(await remindedEvents(orderId)).not.toContain(me);
    });

    it('a batch whose lease ran out and was re-claimed by another node is sent once, by the new holder', async () => {
      const orderId = await dueOrder();
      const start = Date.now();
      const slow = createOrderSweep({ db: db(), notify: recorder().notify, options: OPTIONS, now: () => start });
      const claimed = await slow.claim(start);
      const later = recorder();
      const other = createOrderSweep({
        db: db(),
        notify: later.notify,
        options: OPTIONS,
        now: () => start + OPTIONS.claimLeaseMs + 1,
      });
      expect(await other.run()).toEqual({ reminded: 300, escalated: 0 });
      expect(await slow.settle(claimed, start)).toEqual([]);
      const subjects = await remindedEvents(orderId);
      expect(subjects).toHaveLength(300);
      expect(new Set(subjects).size).toBe(300);
    });

    it('two nodes sweeping the same due rows at once send each reminder exactly once', async () => {
      const orderIds = [await dueOrder(), await dueOrder()];
      // A second node: its own connection pool on PostgreSQL (on SQLite the one file serialises writers anyway).
      let second: Store | undefined;
      let otherDb: Kysely<Database> = db();
      if (databaseUrl) {
        second = await openStore({ databaseUrl, dataDir: '' });
        otherDb = second.db;
      }
      try {
        const a = recorder();
        const b = recorder();
        const options = { ...OPTIONS, batchSize: 25 };
        const results = await Promise.all([
          createOrderSweep({ db: db(), notify: a.notify, options }).run(),
          createOrderSweep({ db: otherDb, notify: b.notify, options }).run(),
        ]);
        expect(results[0]!.reminded + results[1]!.reminded).toBe(600);
        for (const orderId of orderIds) {
          const told = [...a.reminded, ...b.reminded].filter((x) => x.orderId === orderId).flatMap((x) => x.userIds);
          expect(told).toHaveLength(300);
          expect(new Set(told).size).toBe(300);
          expect(new Set(await remindedEvents(orderId)).size).toBe(300);
          expect(await remindedEvents(orderId)).toHaveLength(300);
        }
        // Each node announced each order at most once in its pass.
        for (const r of [a, b]) expect(r.reminded.length).toBe(new Set(r.reminded.map((x) => x.orderId)).size);
      } finally {
        await second?.close();
      }
    });
  });
}
