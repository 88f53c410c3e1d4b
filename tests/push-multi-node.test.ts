import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addStaff,
  createTempPostgres,
  firstStation,
  login,
  REDIS_URL,
  serviceAvailable,
  signInMany,
  startPushEndpoint,
  startTestHub,
  startWebhookReceiver,
  type PushEndpoint,
  type TestHub,
} from '@fengqiao/hub/test-support';
import type { PushMessage } from '@fengqiao/hub/protocol';

const ready = (await serviceAvailable('postgres')) && (await serviceAvailable('redis'));
const OFFICERS = 200;

/**
 * Web Push and the ladder on two hub nodes sharing PostgreSQL and Redis, both running their
 * outbox and ladder timers at once: every push and every webhook call goes out exactly once.
 */
describe.skipIf(!ready)('push and the escalation ladder on two nodes', () => {
  let a: TestHub;
  let b: TestHub;
  let drop: () => Promise<void>;
  let ep: PushEndpoint;
  let webhook: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let officers: string[];
  let cookies: Map<string, string>;
  let dispatcher: string;
  let stationId: string;

  const api = (hub: TestHub, path: string, cookie: string, method = 'GET', body?: unknown) =>
    fetch(`${hub.url}/api${path}`, {
      method,
      headers: { cookie, origin: hub.url, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  /** Both nodes' ladder and outbox passes to the end: nothing due is left unsent afterwards. */
  const drain = async () => {
    await Promise.all([a.hub.runLadder(), b.hub.runLadder()]);
    await Promise.all([a.hub.runPushOutbox(), b.hub.runPushOutbox()]);
  };

  beforeAll(async () => {
    const pg = await createTempPostgres();
    drop = pg.drop;
    ep = await startPushEndpoint();
    webhook = await startWebhookReceiver();
    const env = {
      REDIS_CHANNEL_PREFIX: `fq-push-${randomBytes(4).toString('hex')}`,
      ORDER_SWEEP_INTERVAL_MS: '3600000',
      PUSH_INSECURE_HOSTS: '127.0.0.1',
      PUSH_INTERVAL_MS: '100',
      LADDER_INTERVAL_MS: '150',
    };
    a = await startTestHub({ databaseUrl: pg.url, redisUrl: REDIS_URL, env: { ...env, NODE_ID: 'hub-a' } });
    b = await startTestHub({ databaseUrl: pg.url, redisUrl: REDIS_URL, env: { ...env, NODE_ID: 'hub-b' } });
    const first = await firstStation(a.hub);
    stationId = first.stationId;
    dispatcher = (await login(a.url, first.dispatcherLogin)).cookie;
    const logins = await addStaff(a.hub, stationId, OFFICERS, 'officer', 'pm');
    const rows = await a.hub.store.db
      .selectFrom('users')
      .select(['id', 'login'])
      .where('login', 'in', logins)
      .execute();
    officers = logins.map((l) => rows.find((r) => r.login === l)!.id);
    cookies = await signInMany(a.hub, officers);
    // Half the devices subscribe through each node.
    await Promise.all(
      officers.map(async (id, i) => {
        const res = await api(i % 2 ? b : a, '/push/subscriptions', cookies.get(id)!, 'POST', ep.device(id));
        expect(res.status).toBe(201);
      }),
    );
    const head = await a.hub.store.db
      .selectFrom('users')
      .select('login')
      .where('unit_id', '=', stationId)
      .where('role', '=', 'station_head')
      .executeTakeFirstOrThrow();
    const policy = {
      webhookUrl: webhook.url,
      webhookSecret: 'k'.repeat(32),
      webhookAfterMinutes: 1,
      headAfterMinutes: null,
    };
    const res = await api(
      b,
      `/escalation/stations/${stationId}`,
      (await login(b.url, head.login)).cookie,
      'PUT',
      policy,
    );
    expect(res.status).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await ep?.close();
    await webhook?.close();
    await drop?.();
  });

  it('pushes one flash order to 200 subscribed officers exactly 200 times', async () => {
    const res = await api(a, '/orders', dispatcher, 'POST', {
      clientId: `push-mn-${Date.now()}`,
      title: '特急：协查嫌疑车辆',
      body: '请各警员立即核查辖区卡口。',
      priority: 'flash',
      targets: officers.map((userId) => ({ kind: 'user', userId })),
    });
    expect(res.status).toBe(201);
    const orderId = ((await res.json()) as { order: { id: string } }).order.id;
    await ep.until(OFFICERS);
    await drain();
    expect(ep.received).toHaveLength(OFFICERS);
    expect(new Set(ep.received.map((r) => r.device)).size).toBe(OFFICERS);
    for (const r of ep.received) expect((JSON.parse(r.payload!) as PushMessage).orderId).toBe(orderId);
    const pushed = await a.hub.store.db
      .selectFrom('order_events')
      .select('subject_id')
      .where('order_id', '=', orderId)
      .where('kind', '=', 'pushed')
      .execute();
    expect(pushed).toHaveLength(OFFICERS);

    // 150 acknowledge from the notification (the REST call, with the cookie), through either node.
    const acking = officers.slice(0, 150);
    await Promise.all(
      acking.map(async (id, i) => {
        const r = await api(i % 2 ? a : b, `/orders/${orderId}/acknowledge`, cookies.get(id)!, 'POST', {
          clientId: `ack-${id}`,
        });
        expect(r.status).toBe(200);
      }),
    );
    await expect
      .poll(async () =>
        Number(
          (
            await a.hub.store.db
              .selectFrom('order_recipients')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .where('order_id', '=', orderId)
              .where('state', '=', 'acknowledged')
              .executeTakeFirstOrThrow()
          ).n,
        ),
      )
      .toBe(150);

    // The webhook delay passes for this order; both nodes' ladders race for the step.
    await a.hub.store.db
      .updateTable('ladder_steps')
      .set((eb) => ({ at: eb('at', '-', 2 * 60_000) }))
      .where('order_id', '=', orderId)
      .execute();
    await drain();
    await drain();
    const late = new Set(officers.slice(150));
    const calls = webhook.calls.map((c) => JSON.parse(c.body) as { recipient: { id: string }; step: string });
    expect(calls).toHaveLength(50);
    expect(new Set(calls.map((c) => c.recipient.id))).toEqual(late);
    const texted = await a.hub.store.db
      .selectFrom('order_events')
      .select('subject_id')
      .where('order_id', '=', orderId)
      .where('kind', '=', 'texted')
      .execute();
    expect(new Set(texted.map((e) => e.subject_id))).toEqual(late);
    expect(texted).toHaveLength(50);
    expect(ep.received).toHaveLength(OFFICERS);
  }, 120_000);
});
