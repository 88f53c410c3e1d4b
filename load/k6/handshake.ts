/**
 * k6: log in over HTTP, open the hub's Socket.IO websocket with the session cookie, and time the
 * handshake and `system:ping` round trips. For a real deployment, from a machine other than the
 * hub's; see load/README.md. Run: `k6 run load/k6/handshake.ts` with the variables below.
 *
 *   HUB_URL       base URL of the hub (default http://127.0.0.1:3000)
 *   HUB_ACCOUNTS  comma-separated logins, each logged in once in setup(); VUs share them round-robin
 *   HUB_PASSWORD  their password (one for all)
 *   VUS           peak virtual users, each holding one socket at a time (default 50)
 *   HOLD          steady-state duration (default 1m)
 *   PINGS         pings per connection (default 3), PING_GAP_MS apart (default 1000)
 */
import { check, fail } from 'k6';
import http from 'k6/http';
import ws from 'k6/ws';
import { Counter, Rate, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';
import type { ClientToServerEvents } from '@fengqiao/hub/protocol';
import { createSocketIoSession } from './lib/socket-io.ts';

type PingAck = Parameters<Parameters<ClientToServerEvents['system:ping']>[1]>[0];
const PING_EVENT = 'system:ping' satisfies keyof ClientToServerEvents;

const HUB_URL = (__ENV.HUB_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
const WS_URL = `${HUB_URL.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
const ACCOUNTS = (__ENV.HUB_ACCOUNTS ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter((s) => s.length > 0);
const PASSWORD = __ENV.HUB_PASSWORD ?? '';
/** The hub's session cookie (protocol/api.ts SESSION_COOKIE); a variable only for a renamed deployment. */
const SESSION_COOKIE = __ENV.HUB_SESSION_COOKIE ?? 'fq_session';
const VUS = Number(__ENV.VUS ?? 50);
const HOLD = __ENV.HOLD ?? '1m';
const PINGS = Number(__ENV.PINGS ?? 3);
const PING_GAP_MS = Number(__ENV.PING_GAP_MS ?? 1000);
/** A connection that has not finished its pings by then is closed and counts as failed. */
const SOCKET_DEADLINE_MS = 10_000 + PINGS * PING_GAP_MS;

/** From `ws.connect` to the namespace's `40{sid}`: TCP, upgrade, Engine.IO open, the hub's session check. */
const handshakeMs = new Trend('sio_handshake_ms', true);
/** From sending `421["system:ping",…]` to its `431[…]`. */
const pingRttMs = new Trend('sio_ping_rtt_ms', true);
const handshakeOk = new Rate('sio_handshake_ok');
const connectErrors = new Counter('sio_connect_errors');

export const options: Options = {
  scenarios: {
    handshake: {
      executor: 'ramping-vus',
      startVUs: 0,
      stages: [
        { duration: '30s', target: VUS },
        { duration: HOLD, target: VUS },
        { duration: '15s', target: 0 },
      ],
      gracefulRampDown: '15s',
    },
  },
  thresholds: {
    checks: ['rate>0.99'],
    sio_handshake_ok: ['rate>0.99'],
    sio_handshake_ms: ['p(95)<500', 'p(99)<1500'],
    sio_ping_rtt_ms: ['p(95)<100', 'p(99)<300'],
    sio_connect_errors: ['count<10'],
  },
};

interface SessionCookie {
  login: string;
  cookie: string;
}

/** Logs every account in once; the VUs reuse the sessions, so the run measures sockets, not argon2. */
export function setup(): { sessions: SessionCookie[] } {
  if (ACCOUNTS.length === 0 || PASSWORD === '') fail('set HUB_ACCOUNTS (comma-separated logins) and HUB_PASSWORD');
  const sessions = ACCOUNTS.map((login) => {
    const res = http.post(`${HUB_URL}/api/auth/login`, JSON.stringify({ login, password: PASSWORD }), {
      // Origin: the hub refuses cookie-setting writes from another origin.
      headers: { 'Content-Type': 'application/json', Origin: HUB_URL },
      tags: { name: 'login' },
    });
    const value = res.cookies[SESSION_COOKIE]?.[0]?.value;
    check(res, { 'login: 200': (r) => r.status === 200, 'login: session cookie set': () => value !== undefined });
    if (value === undefined) fail(`log-in of ${login} failed with ${res.status}: ${res.body as string}`);
    return { login, cookie: `${SESSION_COOKIE}=${value}` };
  });
  return { sessions };
}

/** One iteration: connect, ping PINGS times, disconnect. */
export default function (data: { sessions: SessionCookie[] }): void {
  const session = data.sessions[(__VU - 1) % data.sessions.length]!;
  const started = Date.now();
  let connected = false;
  let acked = 0;
  let refusal = '';

  const res = ws.connect(
    WS_URL,
    // A browser's handshake: the cookie plus an Origin equal to the hub's own (WebSockets ignore CORS, the hub does not).
    { headers: { Cookie: session.cookie, Origin: HUB_URL }, tags: { name: 'socket.io' } },
    (socket) => {
      const sentAt = new Map<number, number>();
      const ping = () => sentAt.set(sio.emit(PING_EVENT, { echo: 'k6' }), Date.now());
      const sio = createSocketIoSession({
        send: (frame) => socket.send(frame),
        onConnected: () => {
          connected = true;
          handshakeMs.add(Date.now() - started);
          ping();
        },
        onConnectError: (message, detail) => {
          refusal = `${message} ${JSON.stringify(detail ?? null)}`;
          connectErrors.add(1);
          socket.close();
        },
        onAck: (id, args) => {
          const at = sentAt.get(id);
          if (at === undefined) return;
          pingRttMs.add(Date.now() - at);
          const body = args[0] as PingAck | undefined;
          check(body, { 'ping: ok with our echo': (b) => b !== undefined && b.ok && b.echo === 'k6' });
          acked += 1;
          if (acked >= PINGS) socket.close();
          else socket.setTimeout(ping, PING_GAP_MS);
        },
        onDisconnect: () => socket.close(),
      });
      socket.on('message', (frame) => sio.onMessage(frame));
      socket.on('error', (e) => {
        refusal = e.error();
      });
      socket.setTimeout(() => socket.close(), SOCKET_DEADLINE_MS);
    },
  );

  handshakeOk.add(connected);
  check(res, { 'websocket: 101 Switching Protocols': (r) => r !== undefined && r.status === 101 });
  check(null, {
    'socket.io: connected': () => connected,
    'socket.io: every ping acknowledged': () => acked >= PINGS,
  });
  if (!connected && refusal) console.warn(`VU ${__VU}: ${refusal}`);
}
