/**
 * k6: one command order to N connected recipients (issue #3). N VUs each hold one recipient's
 * socket; once all are up, one dispatcher VU sends ORDERS flash orders to a unit; every recipient
 * times its `order:assigned`, acknowledges (`order:act`) and times the answer, which the hub gives
 * only after the receipt row is persisted. For a real deployment, from other machines; the plain
 * Socket.IO yardstick is the Node harness (`bench:orders`), which k6 cannot host. Variables:
 *
 *   HUB_URL             base URL of the hub (default http://127.0.0.1:3000)
 *   HUB_ACCOUNTS        recipients' logins, comma-separated — or HUB_ACCOUNT_PREFIX + HUB_ACCOUNT_COUNT
 *   HUB_PASSWORD        their password (one for all)
 *   HUB_DISPATCHER      a dispatcher's login whose command scope holds HUB_TARGET_UNIT (same password)
 *   HUB_TARGET_UNIT     the unit id the orders go to (a squad or station holding the recipients)
 *   ORDERS              orders to send (default 3), ORDER_GAP_S apart (default 20)
 *   CONNECT_S           time the recipients get to connect before the first order (default 60)
 */
import { check, fail } from 'k6';
import ws from 'k6/ws';
import { Counter, Rate, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';
import type { AssignmentView, ClientToServerEvents, ServerToClientEvents } from '@fengqiao/hub/protocol';
import { accountsFromEnv, loginAll, socketUrl, type SessionCookie } from './lib/login.ts';
import { createSocketIoSession } from './lib/socket-io.ts';

type CreateAck = Parameters<Parameters<ClientToServerEvents['order:create']>[1]>[0];
type ActAck = Parameters<Parameters<ClientToServerEvents['order:act']>[1]>[0];
const CREATE = 'order:create' satisfies keyof ClientToServerEvents;
const ACT = 'order:act' satisfies keyof ClientToServerEvents;
const ASSIGNED = 'order:assigned' satisfies keyof ServerToClientEvents;

const HUB_URL = (__ENV.HUB_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
const PASSWORD = __ENV.HUB_PASSWORD ?? '';
const RECIPIENTS = accountsFromEnv();
const TARGET_UNIT = __ENV.HUB_TARGET_UNIT ?? '';
const ORDERS = Number(__ENV.ORDERS ?? 3);
const ORDER_GAP_S = Number(__ENV.ORDER_GAP_S ?? 20);
const CONNECT_S = Number(__ENV.CONNECT_S ?? 60);
/** Recipients stay connected until the last order has had this long to be acknowledged. */
const HOLD_MS = (CONNECT_S + ORDERS * ORDER_GAP_S + 30) * 1000;
/** The send time rides in the order body: every VU of one k6 process reads the same clock. */
const MARK = 'k6-sent-at:';

/** From the dispatcher's emit to a recipient's `order:assigned`. */
const deliveryMs = new Trend('order_delivery_ms', true);
/** From the dispatcher's emit to a recipient's acknowledgement answered (= persisted). */
const ackPersistedMs = new Trend('order_ack_persisted_ms', true);
/** From a recipient's `order:act` to its answer. */
const ackRttMs = new Trend('order_ack_rtt_ms', true);
const delivered = new Counter('order_delivered');
const ackOk = new Rate('order_ack_ok');
const createOk = new Rate('order_create_ok');

export const options: Options = {
  setupTimeout: '30m',
  scenarios: {
    recipients: {
      executor: 'per-vu-iterations',
      exec: 'recipient',
      vus: Math.max(1, RECIPIENTS.length),
      iterations: 1,
      maxDuration: `${Math.ceil(HOLD_MS / 1000) + 60}s`,
    },
    dispatcher: {
      executor: 'per-vu-iterations',
      exec: 'dispatcher',
      vus: 1,
      iterations: 1,
      startTime: `${CONNECT_S}s`,
      maxDuration: `${ORDERS * ORDER_GAP_S + 60}s`,
    },
  },
  thresholds: {
    order_create_ok: ['rate==1'],
    order_ack_ok: ['rate>0.999'],
    // The targets that need no baseline: every acknowledgement persisted within 3 s of the order.
    order_ack_persisted_ms: ['max<3000'],
    order_delivery_ms: ['p(99)<2000'],
  },
};

interface Data {
  recipients: SessionCookie[];
  dispatcher: SessionCookie;
}

export function setup(): Data {
  if (TARGET_UNIT === '' || !__ENV.HUB_DISPATCHER) fail('set HUB_DISPATCHER and HUB_TARGET_UNIT');
  return {
    recipients: loginAll(HUB_URL, RECIPIENTS, PASSWORD),
    dispatcher: loginAll(HUB_URL, [__ENV.HUB_DISPATCHER], PASSWORD)[0]!,
  };
}

/** Opens the hub's websocket as a browser would (cookie + the hub's Origin); `body` drives it until it closes. */
function open(session: SessionCookie, body: (socket: ws.Socket) => void): void {
  const res = ws.connect(
    socketUrl(HUB_URL),
    { headers: { Cookie: session.cookie, Origin: HUB_URL }, tags: { name: 'socket.io' } },
    body,
  );
  check(res, { 'websocket: 101 Switching Protocols': (r) => r !== undefined && r.status === 101 });
}

/** One recipient: connect, then time and acknowledge every order that arrives. */
export function recipient(data: Data): void {
  const session = data.recipients[(__VU - 1) % data.recipients.length]!;
  open(session, (socket) => {
    const pending = new Map<number, { sentAt: number; actAt: number }>();
    const sio = createSocketIoSession({
      send: (frame) => socket.send(frame),
      onConnected: () => {},
      onConnectError: (message) => {
        console.warn(`VU ${__VU}: refused: ${message}`);
        socket.close();
      },
      onEvent: (name, args) => {
        if (name !== ASSIGNED) return;
        const a = args[0] as AssignmentView;
        const at = a.order.body.indexOf(MARK);
        if (at < 0) return;
        const sentAt = Number(a.order.body.slice(at + MARK.length).split(/\s/)[0]);
        deliveryMs.add(Date.now() - sentAt);
        delivered.add(1);
        const actAt = Date.now();
        pending.set(
          sio.emit(ACT, { action: 'acknowledge', orderId: a.order.id, clientId: `k6-ack-${__VU}-${a.order.id}` }),
          { sentAt, actAt },
        );
      },
      onAck: (id, args) => {
        const p = pending.get(id);
        if (p === undefined) return;
        pending.delete(id);
        const res = args[0] as ActAck | undefined;
        const ok = res !== undefined && res.ok && res.state === 'acknowledged';
        ackOk.add(ok);
        if (ok) {
          ackPersistedMs.add(Date.now() - p.sentAt);
          ackRttMs.add(Date.now() - p.actAt);
        }
      },
      onDisconnect: () => socket.close(),
    });
    socket.on('message', (frame) => sio.onMessage(frame));
    socket.setTimeout(() => socket.close(), HOLD_MS);
  });
}

/** The dispatcher: ORDERS flash orders to the target unit, ORDER_GAP_S apart. */
export function dispatcher(data: Data): void {
  open(data.dispatcher, (socket) => {
    let sent = 0;
    const sio = createSocketIoSession({
      send: (frame) => socket.send(frame),
      onConnected: () => send(),
      onConnectError: (message) => {
        console.warn(`dispatcher refused: ${message}`);
        socket.close();
      },
      onAck: (_id, args) => {
        const res = args[0] as CreateAck | undefined;
        createOk.add(res !== undefined && res.ok);
        if (res && !res.ok) console.warn(`order:create refused: ${res.error.code} ${res.error.message}`);
        if (sent >= ORDERS) socket.setTimeout(() => socket.close(), 5000);
        else socket.setTimeout(send, ORDER_GAP_S * 1000);
      },
      onDisconnect: () => socket.close(),
    });
    function send(): void {
      sent += 1;
      sio.emit(CREATE, {
        clientId: `k6-order-${Date.now()}-${sent}`,
        title: '【闪电】全所统一清查行动（压测）',
        body: `接分局指令，今晚二十点起全所开展统一清查行动，请收到后两分钟内签收。${MARK}${Date.now()} `,
        priority: 'flash',
        targets: [{ kind: 'unit', unitId: TARGET_UNIT }],
      });
    }
    socket.on('message', (frame) => sio.onMessage(frame));
  });
}
