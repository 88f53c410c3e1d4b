import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHotlineFixture, cid, eventWhere, type HotlineFixture } from '../../test-support/hotline-fixture.ts';
import { connectSocket, firstStation, login, storeDialects, type TestSocket } from '../../test-support/index.ts';
import { DISPATCH_ROLES, RECEIVING_ROLES, type MessageView, type Role } from '../protocol/index.ts';

const HOUR_MS = String(3_600_000);
/** Longer than any coalescing timer of the hub (the order board's 250 ms): quiet this long, nothing is pending. */
const QUIET_MS = 400;
/** No timer of the hub's runs a statement while a reconnect is counted (sweeps, push, ladder, retention). */
const QUIET_TIMERS = {
  ORDER_SWEEP_INTERVAL_MS: HOUR_MS,
  HOTLINE_SWEEP_INTERVAL_MS: HOUR_MS,
  PUSH_INTERVAL_MS: HOUR_MS,
  LADDER_INTERVAL_MS: HOUR_MS,
  RETENTION_TIME: '23:59',
};

/**
 * Store statements per reconnect and catch-up, by role, as the hub counts them (the count behind
 * `hub_store_query_seconds_count`); what the connect path costs now, so a read added back fails it.
 * The roles reconnect in this order, and a message range caught up on a moment ago is not read
 * again (recent-ranges.ts): the resident gets the group's message from the officer's read, the
 * station head the thread's from the resident's; each would read one statement more alone.
 */
const EXPECTED: Record<'officer' | 'resident' | 'station_head' | 'dispatcher', number> = {
  officer: 10,
  resident: 10,
  station_head: 26,
  dispatcher: 20,
};

/** What a browser holds between connections: its cursors, as the web client's stores keep them. */
interface Device {
  role: Role;
  cookie: string;
  groups: Map<string, number>;
  threads: Map<string, number>;
  orderCursor: number;
  watched: string[];
}

/** What one catch-up brought: messages and orders that came while away. */
interface CaughtUp {
  group: MessageView[];
  hotline: MessageView[];
  orders: string[];
  inbox: string[];
  activity: string[];
  boards: string[];
}

function ok<T extends { ok: boolean }>(res: T): Extract<T, { ok: true }> {
  if (!res.ok) throw new Error(JSON.stringify(res));
  return res as Extract<T, { ok: true }>;
}

/**
 * The socket commands the web client sends on every (re)connection (`connection.onConnected` in
 * web/src/lib): the order inbox's `order:sync` (roles that receive orders); group chat's
 * `group:list` then `group:sync` from the held cursors; the hotline's `hotline:inbox` (staff) or
 * `hotline:mine` (residents), `hotline:sync` for held threads behind, and `hotline:canned` while the
 * desk holds no canned reply; the command board's `order:watch` of its active orders (station
 * head's overview and the dispatcher's console); the console's `order:activity`. Left out: REST
 * reads those pages make (the board's order list, matters), an outbox with nothing queued,
 * `push:visibility` (only with push switched on in the browser).
 */
async function catchUp(d: Device, s: TestSocket): Promise<CaughtUp> {
  const got: CaughtUp = { group: [], hotline: [], orders: [], inbox: [], activity: [], boards: [] };
  if (RECEIVING_ROLES.some((r) => r === d.role))
    for (;;) {
      const r = ok(await s.emitWithAck('order:sync', { since: d.orderCursor }));
      got.orders.push(...r.assignments.map((a) => a.order.id));
      d.orderCursor = Math.max(d.orderCursor, r.cursor);
      if (!r.more) break;
    }
  const listed = ok(await s.emitWithAck('group:list', {})).groups;
  for (const g of listed) if (!d.groups.has(g.id)) d.groups.set(g.id, g.lastSeq);
  const synced = ok(await s.emitWithAck('group:sync', { cursors: Object.fromEntries(d.groups) }));
  got.group = synced.messages;
  for (const m of synced.messages) d.groups.set(m.groupId, Math.max(d.groups.get(m.groupId) ?? 0, m.seq));

  const threads =
    d.role === 'resident'
      ? ok(await s.emitWithAck('hotline:mine', {})).threads
      : ok(await s.emitWithAck('hotline:inbox', { filter: 'all', limit: 200 })).threads;
  if (d.role !== 'resident') got.inbox = threads.map((th) => th.id);
  const behind = threads.filter((th) => d.threads.has(th.id) && th.lastSeq > d.threads.get(th.id)!);
  if (behind.length > 0) {
    const cursors = Object.fromEntries(behind.map((th) => [th.id, d.threads.get(th.id)!]));
    got.hotline = ok(await s.emitWithAck('hotline:sync', { cursors })).messages;
    for (const m of got.hotline) d.threads.set(m.groupId, Math.max(d.threads.get(m.groupId) ?? 0, m.seq));
  }
  if (d.role !== 'resident') ok(await s.emitWithAck('hotline:canned', {}));
  if (DISPATCH_ROLES.some((r) => r === d.role))
    got.boards = ok(await s.emitWithAck('order:watch', { orderIds: d.watched })).boards.map((b) => b.orderId);
  if (d.role === 'dispatcher')
    got.activity = ok(await s.emitWithAck('order:activity', { limit: 30 })).entries.map((e) => e.order.id);
  return got;
}

for (const dialect of await storeDialects()) {
  describe.skipIf(!dialect.available)(`statements per reconnect on ${dialect.name}`, () => {
    let f: HotlineFixture;
    let drop: () => Promise<void>;
    let officerLogin: string;
    let dispatcherLogin: string;
    const sockets: TestSocket[] = [];
    const devices = new Map<string, Device>();
    /** A socket of someone else, for round trips that run no statement (`system:ping`). */
    let probe: TestSocket;

    /**
     * Resolves once the hub has run no statement for QUIET_MS, checked by round trips: whatever an
     * earlier step set going in the background (announcements, push hooks, the order board's
     * coalesced flush, which waits 250 ms) has finished. A few round trips alone take a millisecond
     * and could end before such a timer fires, counting its statements into the next reconnect.
     */
    const settled = async () => {
      let last = f.t.hub.storeStatements();
      let quietSince = Date.now();
      while (Date.now() - quietSince < QUIET_MS) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        await probe.emitWithAck('system:ping', {});
        const now = f.t.hub.storeStatements();
        if (now !== last) quietSince = Date.now();
        last = now;
      }
    };
    /** Statements the hub ran for `work`, counted by the hub itself (a /metrics read would add its own). */
    const statements = async (work: () => Promise<void>) => {
      await settled();
      const start = f.t.hub.storeStatements();
      await work();
      await settled();
      return f.t.hub.storeStatements() - start;
    };
    const open = async (loginName: string, role: Role) => {
      const d: Device = {
        role,
        cookie: (await login(f.t.url, loginName)).cookie,
        groups: new Map(),
        threads: new Map(),
        orderCursor: 0,
        watched: [],
      };
      devices.set(loginName, d);
      return d;
    };
    const connect = async (d: Device) => {
      const s = await connectSocket(f.t.url, { cookie: d.cookie });
      sockets.push(s);
      return s;
    };
    /** Closes the socket and resolves once the hub has let it go. */
    const leave = async (s: TestSocket) => {
      const id = s.id!;
      s.close();
      while (f.t.hub.realtime.io.of('/').sockets.has(id)) await new Promise((r) => setImmediate(r));
    };

    beforeAll(async () => {
      const target = await dialect.databaseUrl();
      drop = target.drop;
      f = await startHotlineFixture({ databaseUrl: target.url, env: QUIET_TIMERS });
      officerLogin = (
        await f.t.hub.store.db
          .selectFrom('users')
          .select('login')
          .where('id', '=', f.officerId)
          .executeTakeFirstOrThrow()
      ).login;
      dispatcherLogin = (await firstStation(f.t.hub)).dispatcherLogin;
      probe = await connectSocket(f.t.url, { cookie: (await login(f.t.url, f.residentB.login)).cookie });
      sockets.push(probe);
    });
    afterAll(async () => {
      for (const s of sockets) s.close();
      await f?.close();
      await drop?.();
    });

    it('counts each role’s reconnect and catch-up exactly, and the catch-up brings what came while away, once', async () => {
      const officer = await open(officerLogin, 'officer');
      const resident = await open(f.residentA.login, 'resident');
      const head = await open(f.headLogin, 'station_head');
      const dispatcher = await open(dispatcherLogin, 'dispatcher');
      const everyone = [officer, resident, head, dispatcher];

      // First connection of each device: its cursors start here; the resident opens a thread the head reads.
      for (const d of everyone) {
        const s = await connect(d);
        await catchUp(d, s);
        if (d === resident) {
          const created = ok(
            await s.emitWithAck('hotline:create', {
              clientId: cid(),
              category: 'consultation',
              text: '请问户口迁入要带什么材料？',
            }),
          );
          d.threads.set(created.thread.id, created.message.seq);
          head.threads.set(created.thread.id, created.message.seq);
        }
        await leave(s);
      }
      const threadId = [...resident.threads.keys()][0]!;
      const gridGroup = [...resident.groups.keys()].find((id) => officer.groups.has(id))!;
      expect(gridGroup).toBeDefined();

      // While all four are away, from other devices: a grid group message, an order, a letter and its answer.
      const other = async (loginName: string) => {
        const s = await connectSocket(f.t.url, { cookie: (await login(f.t.url, loginName)).cookie });
        sockets.push(s);
        return s;
      };
      const o2 = await other(officerLogin);
      const posted = ok(
        await o2.emitWithAck('message:send', { groupId: gridGroup, clientId: cid(), text: '今晚巡逻路线调整' }),
      );
      await leave(o2);
      const d2 = await other(dispatcherLogin);
      const order = ok(
        await d2.emitWithAck('order:create', {
          clientId: cid(),
          title: '核查出租屋',
          body: '今天下班前核查桃源社区3号楼出租屋登记情况。',
          priority: 'routine',
          targets: [{ kind: 'user', userId: f.officerId }],
        }),
      ).order;
      // The officer acknowledges it on another device: the command room's feed has news, announced
      // (the board's coalesced flush and its statements) before anyone reconnects.
      const logged = eventWhere<{ entries: { kind: string }[] }>(d2, 'order:activity-logged', (e) =>
        e.entries.some((x) => x.kind === 'acknowledged'),
      );
      const o3 = await other(officerLogin);
      ok(await o3.emitWithAck('order:act', { action: 'acknowledge', orderId: order.id, clientId: cid() }));
      await logged;
      await leave(o3);
      await leave(d2);
      head.watched = [order.id];
      dispatcher.watched = [order.id];
      const r2 = await other(f.residentA.login);
      const asked = ok(
        await r2.emitWithAck('hotline:send', { threadId, clientId: cid(), text: '还需要原户籍证明吗？' }),
      );
      await leave(r2);
      const h2 = await other(f.headLogin);
      const answered = ok(
        await h2.emitWithAck('hotline:send', { threadId, clientId: cid(), text: '需要，请带原件。' }),
      );
      await leave(h2);

      const counts: Record<string, number> = {};
      const caught = new Map<Device, CaughtUp>();
      for (const [name, d] of [
        ['officer', officer],
        ['resident', resident],
        ['station_head', head],
        ['dispatcher', dispatcher],
      ] as const) {
        let s: TestSocket | undefined;
        counts[name] = await statements(async () => {
          s = await connect(d);
          caught.set(d, await catchUp(d, s));
        });
        await leave(s!);
      }

      // Each missed message arrives in the catch-up exactly once; each missed order and letter is listed.
      const ids = (ms: MessageView[]) => ms.map((m) => m.id);
      expect(ids(caught.get(officer)!.group)).toEqual([posted.message.id]);
      expect(caught.get(officer)!.orders).toEqual([order.id]);
      expect(ids(caught.get(resident)!.group)).toEqual([posted.message.id]);
      expect(ids(caught.get(resident)!.hotline)).toEqual([asked.message.id, answered.message.id]);
      expect(ids(caught.get(head)!.hotline)).toEqual([asked.message.id, answered.message.id]);
      expect(caught.get(head)!.inbox).toContain(threadId);
      expect(caught.get(head)!.boards).toEqual([order.id]);
      expect(caught.get(dispatcher)!.boards).toEqual([order.id]);
      expect(caught.get(dispatcher)!.activity[0]).toBe(order.id);
      expect(counts).toEqual(EXPECTED);
    });
  });
}
