import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addStaff,
  connectSocket,
  firstStation,
  login,
  startPushEndpoint,
  startTestHub,
  startWebhookReceiver,
  type PushEndpoint,
  type TestDevice,
  type TestHub,
} from '../../test-support/index.ts';
import type { PushMessage } from '../protocol/index.ts';

let seq = 0;
const cid = () => `push-test-${Date.now()}-${++seq}`;

/** Web Push end to end on SQLite: a real push service stand-in decrypts what the hub encrypted. */
describe('web push and the escalation ladder', () => {
  let t: TestHub;
  let ep: PushEndpoint;
  let dispatcher: string;
  let stationId: string;
  let officers: string[];
  let webhook: Awaited<ReturnType<typeof startWebhookReceiver>>;

  const api = (path: string, cookie: string, method = 'GET', body?: unknown) =>
    fetch(`${t.url}/api${path}`, {
      method,
      headers: { cookie, origin: t.url, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const cookieOf = async (login_: string) => (await login(t.url, login_)).cookie;
  const loginOf = async (id: string) =>
    (await t.hub.store.db.selectFrom('users').select('login').where('id', '=', id).executeTakeFirstOrThrow()).login;
  const subscribe = (cookie: string, d: TestDevice) => api('/push/subscriptions', cookie, 'POST', d);
  const subscriptions = async () =>
    Number(
      (
        await t.hub.store.db
          .selectFrom('push_subscriptions')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const flash = async (userIds: string[], priority: 'flash' | 'urgent' | 'routine' = 'flash') => {
    const res = await api('/orders', dispatcher, 'POST', {
      clientId: cid(),
      title: '立即封控路口',
      body: '请立即前往海昌路口协助封控。',
      priority,
      targets: userIds.map((userId) => ({ kind: 'user', userId })),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { order: { id: string } }).order.id;
  };
  /** Ladder and outbox passes, run to the end: after this, nothing due is left unsent. */
  const settle = async () => {
    await t.hub.runLadder();
    await t.hub.runPushOutbox();
  };
  const timeline = (orderId: string) =>
    t.hub.store.db.selectFrom('order_events').select(['kind', 'subject_id']).where('order_id', '=', orderId).execute();

  beforeAll(async () => {
    ep = await startPushEndpoint();
    webhook = await startWebhookReceiver();
    t = await startTestHub({
      env: {
        PUSH_INSECURE_HOSTS: '127.0.0.1',
        PUSH_RETRY_BASE_MS: '20',
        PUSH_INTERVAL_MS: '100',
        LADDER_INTERVAL_MS: '3600000',
        ORDER_SWEEP_INTERVAL_MS: '3600000',
      },
    });
    const first = await firstStation(t.hub);
    stationId = first.stationId;
    dispatcher = await cookieOf(first.dispatcherLogin);
    const logins = await addStaff(t.hub, stationId, 6, 'officer', 'p');
    const rows = await t.hub.store.db
      .selectFrom('users')
      .select(['id', 'login'])
      .where('login', 'in', logins)
      .execute();
    officers = logins.map((l) => rows.find((r) => r.login === l)!.id);
  });
  afterAll(async () => {
    await t?.close();
    await ep?.close();
    await webhook?.close();
  });

  it('pushes a flash order to the device, encrypted for its keys, with the order to acknowledge', async () => {
    const cookie = await cookieOf(await loginOf(officers[0]!));
    const d = ep.device('first');
    expect((await subscribe(cookie, d)).status).toBe(201);
    const before = ep.received.length;
    const orderId = await flash([officers[0]!]);
    await ep.until(before + 1);
    const got = ep.received.at(-1)!;
    expect(got.device).toBe('first');
    const message = JSON.parse(got.payload!) as PushMessage;
    expect(message).toMatchObject({ kind: 'flash', orderId, url: `/orders/${orderId}`, body: '立即封控路口' });
    expect(got.headers.urgency).toBe('high');
    expect(got.headers['content-encoding']).toBe('aes128gcm');
    expect(String(got.headers.authorization)).toMatch(/^vapid t=.+, k=.+/);
    await settle();
    expect((await timeline(orderId)).filter((e) => e.kind === 'pushed')).toEqual([
      { kind: 'pushed', subject_id: officers[0] },
    ]);
    // A second pass on the same order pushes nothing again.
    expect((await t.hub.runLadder()).pushed).toBe(0);
  });

  it('does not push routine orders', async () => {
    const orderId = await flash([officers[0]!], 'routine');
    await settle();
    expect((await timeline(orderId)).some((e) => e.kind === 'pushed')).toBe(false);
  });

  it('refuses forged subscriptions and changes nothing', async () => {
    const cookie = await cookieOf(await loginOf(officers[1]!));
    const good = ep.device('second');
    const n = await subscriptions();
    const bad = [
      { ...good, endpoint: 'ftp://127.0.0.1/d/x' },
      { ...good, endpoint: 'http://example.com/push' },
      { ...good, endpoint: 'https://evil.example/push' },
      { ...good, endpoint: 'https://user:pw@fcm.googleapis.com/fcm/send/x' },
      { ...good, keys: { ...good.keys, p256dh: 'A'.repeat(400) } },
      { ...good, keys: { ...good.keys, auth: 'A'.repeat(40) } },
      { ...good, endpoint: `https://fcm.googleapis.com/${'x'.repeat(2000)}` },
    ];
    for (const b of bad) {
      const res = await subscribe(cookie, b as TestDevice);
      expect(res.status, JSON.stringify(b).slice(0, 80)).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
    }
    // The first officer's device is not theirs to take over.
    const theft = await subscribe(cookie, { ...good, endpoint: `${ep.base}/d/first` });
    expect(theft.status).toBe(403);
    expect(await subscriptions()).toBe(n);
  });

  it('removes a subscription the push service answers 410 for', async () => {
    const cookie = await cookieOf(await loginOf(officers[2]!));
    const before = ep.received.length;
    expect((await subscribe(cookie, ep.device('expired', 410))).status).toBe(201);
    const n = await subscriptions();
    await flash([officers[2]!]);
    await ep.until(before + 1);
    await settle();
    expect(await subscriptions()).toBe(n - 1);
  });

  it('retries when the push service fails, then delivers', async () => {
    const cookie = await cookieOf(await loginOf(officers[3]!));
    const before = ep.received.length;
    expect((await subscribe(cookie, ep.device('flaky', [503, 500, 201]))).status).toBe(201);
    const orderId = await flash([officers[3]!]);
    await ep.until(before + 3);
    const mine = ep.received.slice(before).filter((r) => r.device === 'flaky');
    expect(mine.map((r) => r.status)).toEqual([503, 500, 201]);
    expect((JSON.parse(mine[2]!.payload!) as PushMessage).orderId).toBe(orderId);
  });

  it('skips a device whose page is open and visible, and pushes again once it closes', async () => {
    const { cookie } = await login(t.url, await loginOf(officers[4]!));
    expect((await subscribe(cookie, ep.device('watching'))).status).toBe(201);
    const socket = await connectSocket(t.url, { cookie });
    expect(await socket.emitWithAck('push:visibility', { visible: true })).toEqual({ ok: true });
    const before = ep.received.length;
    await flash([officers[4]!]);
    await settle();
    expect(ep.received.length).toBe(before);
    const left = await t.hub.store.db.selectFrom('notify_outbox').select('id').execute();
    expect(left).toEqual([]);
    socket.disconnect();
    await expect
      .poll(
        async () =>
          (
            await t.hub.store.db
              .selectFrom('push_subscriptions')
              .select('visible_until')
              .where('visible_until', 'is not', null)
              .execute()
          ).length,
      )
      .toBe(0);
    await flash([officers[4]!]);
    await ep.until(before + 1);
    expect(ep.received.at(-1)!.device).toBe('watching');
  });

  it('lets only the station head set the ladder, and only to an http(s) webhook', async () => {
    const head = await t.hub.store.db
      .selectFrom('users')
      .select('login')
      .where('unit_id', '=', stationId)
      .where('role', '=', 'station_head')
      .executeTakeFirstOrThrow();
    const headCookie = await cookieOf(head.login);
    const officer = await cookieOf(await loginOf(officers[5]!));
    const policy = {
      webhookUrl: webhook.url,
      webhookSecret: 's'.repeat(32),
      webhookAfterMinutes: 2,
      headAfterMinutes: 5,
    };
    expect((await api(`/escalation/stations/${stationId}`, officer, 'PUT', policy)).status).toBe(404);
    for (const webhookUrl of ['ftp://127.0.0.1/x', 'javascript:alert(1)', 'file:///etc/passwd']) {
      const res = await api(`/escalation/stations/${stationId}`, headCookie, 'PUT', { ...policy, webhookUrl });
      expect(res.status).toBe(400);
    }
    const noSecret = await api(`/escalation/stations/${stationId}`, headCookie, 'PUT', {
      ...policy,
      webhookSecret: undefined,
    });
    expect(noSecret.status).toBe(400);
    expect(await t.hub.store.db.selectFrom('escalation_policies').select('station_id').execute()).toEqual([]);
    const ok = await api(`/escalation/stations/${stationId}`, headCookie, 'PUT', policy);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { policy: unknown }).policy).toEqual({
      stationId,
      webhookUrl: webhook.url,
      hasSecret: true,
      webhookAfterMinutes: 2,
      headAfterMinutes: 5,
    });
  });

  it('calls the signed webhook once per unacknowledged officer after the delay; an acknowledgement stops the ladder', async () => {
    const [late, prompt] = [officers[5]!, officers[1]!];
    const orderId = await flash([late, prompt]);
    await settle();
    const promptCookie = await cookieOf(await loginOf(prompt));
    const ack = await api(`/orders/${orderId}/acknowledge`, promptCookie, 'POST', { clientId: cid() });
    expect(ack.status).toBe(200);
    expect(await ack.json()).toMatchObject({ ok: true, state: 'acknowledged' });
    // Not yet due: the push was just now.
    expect((await t.hub.runLadder()).texted).toBe(0);
    // Three minutes pass for this order's ladder.
    const back = (min: number) =>
      t.hub.store.db
        .updateTable('ladder_steps')
        .set((eb) => ({ at: eb('at', '-', min * 60_000) }))
        .where('order_id', '=', orderId)
        .execute();
    await back(3);
    expect(await t.hub.runLadder()).toMatchObject({ texted: 1, called: 0 });
    await t.hub.runPushOutbox();
    expect(await t.hub.runLadder()).toMatchObject({ texted: 0 });
    await t.hub.runPushOutbox();
    const calls = webhook.calls.filter((c) => c.body.includes(orderId));
    expect(calls).toHaveLength(1);
    const { headers, body } = calls[0]!;
    const sig = createHmac('sha256', 's'.repeat(32))
      .update(`${String(headers['x-fengqiao-timestamp'])}.${body}`)
      .digest('hex');
    expect(headers['x-fengqiao-signature']).toBe(`sha256=${sig}`);
    expect(JSON.parse(body)).toMatchObject({
      event: 'order.unacknowledged',
      step: 'webhook',
      order: { id: orderId },
      recipient: { id: late },
    });
    // The late officer acknowledges from the notification: the head is not called.
    const lateCookie = await cookieOf(await loginOf(late));
    expect((await api(`/orders/${orderId}/acknowledge`, lateCookie, 'POST', { clientId: cid() })).status).toBe(200);
    await expect
      .poll(async () => (await timeline(orderId)).some((e) => e.kind === 'acknowledged' && e.subject_id === late))
      .toBe(true);
    await back(10);
    expect(await t.hub.runLadder()).toMatchObject({ texted: 0, called: 0 });
    const kinds = (await timeline(orderId)).map(
      (e) => `${e.kind}:${e.subject_id === late ? 'late' : e.subject_id === prompt ? 'prompt' : '-'}`,
    );
    expect(kinds.filter((k) => k.startsWith('texted') || k.startsWith('called'))).toEqual(['texted:late']);
  });

  it('removes a session’s subscriptions when it logs out', async () => {
    const { cookie } = await login(t.url, await loginOf(officers[0]!));
    expect((await subscribe(cookie, ep.device('leaving'))).status).toBe(201);
    const n = await subscriptions();
    expect((await api('/auth/logout', cookie, 'POST')).status).toBeLessThan(300);
    expect(await subscriptions()).toBe(n - 1);
  });
});
