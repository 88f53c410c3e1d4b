/**
 * k6: group chat under load (issue #4). Each VU is one member holding one socket; it catches up on
 * connect (`group:sync` from its cursors), and sends a message to its group every SEND_EVERY_S
 * (with 25 members and 25 s, each group gets a message a second). Every `message:created` is timed
 * from its send (the time rides in the text; all VUs of one k6 process read one clock) and checked
 * against the member's cursor: a gap is lost until a sync fills it, a seq seen twice is doubled.
 * At STORM_AT_S every member drops its connection at once; while they are away, POSTERS (one
 * account per group) post MISSED messages each; at STORM_AT_S + STORM_GAP_S all reconnect at once
 * and time until they are caught up. The plain Socket.IO yardstick is the Node harness
 * (`bench:groups`). Variables:
 *
 *   HUB_URL          base URL of the hub (default http://127.0.0.1:3000)
 *   HUB_ACCOUNTS     members' logins, comma-separated — or HUB_ACCOUNT_PREFIX + HUB_ACCOUNT_COUNT
 *   HUB_POSTERS      one further member per group, comma-separated (optional: no storm posts without)
 *   HUB_PASSWORD     one password for all
 *   HUB_GROUP_KIND   which of a member's groups carry the traffic (default squad)
 *   SEND_EVERY_S     per member (default 25), HOLD_S before the storm (default 120)
 *   STORM_GAP_S      how long all stay away (default 10), MISSED per group meanwhile (default 10)
 */
import { check, sleep } from 'k6';
import ws from 'k6/ws';
import { Counter, Rate, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';
import type { ClientToServerEvents, GroupView, MessageView, ServerToClientEvents } from '@fengqiao/hub/protocol';
import { accountsFromEnv, loginAll, socketUrl, type SessionCookie } from './lib/login.ts';
import { createSocketIoSession } from './lib/socket-io.ts';

type ListAck = Parameters<Parameters<ClientToServerEvents['group:list']>[1]>[0];
type SyncAck = Parameters<Parameters<ClientToServerEvents['group:sync']>[1]>[0];
type SendAck = Parameters<Parameters<ClientToServerEvents['message:send']>[1]>[0];
const LIST = 'group:list' satisfies keyof ClientToServerEvents;
const SYNC = 'group:sync' satisfies keyof ClientToServerEvents;
const SEND = 'message:send' satisfies keyof ClientToServerEvents;
const CREATED = 'message:created' satisfies keyof ServerToClientEvents;

const HUB_URL = (__ENV.HUB_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
const PASSWORD = __ENV.HUB_PASSWORD ?? '';
const MEMBERS = accountsFromEnv();
const POSTERS = (__ENV.HUB_POSTERS ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter((s) => s.length > 0);
const GROUP_KIND = __ENV.HUB_GROUP_KIND ?? 'squad';
const SEND_EVERY_S = Number(__ENV.SEND_EVERY_S ?? 25);
const HOLD_S = Number(__ENV.HOLD_S ?? 120);
const STORM_GAP_S = Number(__ENV.STORM_GAP_S ?? 10);
const MISSED = Number(__ENV.MISSED ?? 10);
/** After reconnecting, members stay this long so late deliveries are still counted. */
const AFTER_S = 30;
const MARK = 'k6-sent-at:';

/** Send → each member's `message:created`. */
const latencyMs = new Trend('chat_latency_ms', true);
/** From the reconnect to holding every message the group got while away. */
const catchUpMs = new Trend('chat_catch_up_ms', true);
const lost = new Counter('chat_lost');
const doubled = new Counter('chat_doubled');
const sendOk = new Rate('chat_send_ok');
const caughtUp = new Rate('chat_caught_up');

export const options: Options = {
  setupTimeout: '30m',
  scenarios: {
    members: {
      executor: 'per-vu-iterations',
      exec: 'member',
      vus: Math.max(1, MEMBERS.length),
      iterations: 1,
      maxDuration: `${HOLD_S + STORM_GAP_S + AFTER_S + 120}s`,
    },
    ...(POSTERS.length
      ? {
          posters: {
            executor: 'per-vu-iterations' as const,
            exec: 'poster',
            vus: POSTERS.length,
            iterations: 1,
            startTime: `${HOLD_S + 2}s`,
            maxDuration: `${STORM_GAP_S + 60}s`,
          },
        }
      : {}),
  },
  thresholds: {
    chat_latency_ms: ['p(50)<100', 'p(99)<200'],
    chat_lost: ['count==0'],
    chat_doubled: ['count==0'],
    chat_send_ok: ['rate>0.999'],
    chat_caught_up: ['rate==1'],
  },
};

interface Data {
  members: SessionCookie[];
  posters: SessionCookie[];
}

export function setup(): Data {
  return {
    members: loginAll(HUB_URL, MEMBERS, PASSWORD),
    posters: POSTERS.length ? loginAll(HUB_URL, POSTERS, PASSWORD) : [],
  };
}

/** A member's view of its groups: the highest seq held without a gap, per group. */
type Cursors = Record<string, number>;
/** Emits an event with an acknowledgement; `then` gets the answer's arguments. */
type Call = (event: string, payload: unknown, then: (args: unknown[]) => void) => void;

/**
 * One connection: list the groups (first time) or sync from the cursors, then `ready` once caught
 * up; live traffic is taken in until `untilMs` (or `close()`); `sending` adds this member's own.
 */
function session(
  who: SessionCookie,
  cursors: Cursors,
  untilMs: number,
  sending: boolean,
  ready: (call: Call, close: () => void) => void,
): void {
  const res = ws.connect(
    socketUrl(HUB_URL),
    { headers: { Cookie: who.cookie, Origin: HUB_URL }, tags: { name: 'socket.io' } },
    (socket) => {
      const acks = new Map<number, (args: unknown[]) => void>();
      const call: Call = (event, payload, then) => acks.set(sio.emit(event, payload), then);
      const close = () => socket.close();
      let sent = 0;
      let syncing = false;
      const take = (m: MessageView) => {
        const at = cursors[m.groupId];
        if (at === undefined) return;
        if (m.seq <= at) {
          // During a sync, live and catch-up overlap by design; the seq drops the copy.
          if (!syncing) doubled.add(1);
          return;
        }
        // A gap: a sync fetches the missing seqs (lost only if the end check still finds them missing).
        if (m.seq > at + 1) return syncNow(() => {});
        cursors[m.groupId] = m.seq;
        const mark = m.text.indexOf(MARK);
        if (mark >= 0) latencyMs.add(Date.now() - Number(m.text.slice(mark + MARK.length)));
      };
      const syncNow = (then: () => void) => {
        syncing = true;
        call(SYNC, { cursors }, (args) => {
          const r = args[0] as SyncAck;
          if (r.ok)
            for (const m of r.messages) if (m.seq === (cursors[m.groupId] ?? -2) + 1) cursors[m.groupId] = m.seq;
          if (r.ok && r.more) return syncNow(then);
          syncing = false;
          then();
        });
      };
      const send = () => {
        for (const groupId of Object.keys(cursors)) {
          call(
            SEND,
            { groupId, clientId: `k6-${__VU}-${Date.now()}-${sent++}`, text: `收到，马上到位。${MARK}${Date.now()}` },
            (args) => sendOk.add((args[0] as SendAck).ok),
          );
        }
      };
      const sio = createSocketIoSession({
        send: (frame) => socket.send(frame),
        onConnected: () => {
          if (Object.keys(cursors).length > 0) syncNow(() => ready(call, close));
          else {
            call(LIST, {}, (args) => {
              const r = args[0] as ListAck;
              if (r.ok)
                for (const g of r.groups.filter((x: GroupView) => x.kind === GROUP_KIND)) cursors[g.id] = g.lastSeq;
              ready(call, close);
            });
          }
          // A random phase, so a group's members do not all send in the same second.
          if (sending)
            socket.setTimeout(
              () => (send(), socket.setInterval(send, SEND_EVERY_S * 1000)),
              Math.random() * SEND_EVERY_S * 1000,
            );
        },
        onConnectError: (message) => {
          console.warn(`VU ${__VU}: refused: ${message}`);
          socket.close();
        },
        onEvent: (name, args) => name === CREATED && take(args[0] as MessageView),
        onAck: (id, args) => {
          acks.get(id)?.(args);
          acks.delete(id);
        },
        onDisconnect: () => socket.close(),
      });
      socket.on('message', (frame) => sio.onMessage(frame));
      socket.setTimeout(() => socket.close(), Math.max(0, untilMs - Date.now()));
    },
  );
  check(res, { 'websocket: 101 Switching Protocols': (r) => r !== undefined && r.status === 101 });
}

/** One member: traffic until the storm, away STORM_GAP_S, then everyone back at once to catch up. */
export function member(data: Data): void {
  const who = data.members[(__VU - 1) % data.members.length]!;
  const start = Date.now();
  const cursors: Cursors = {};
  session(who, cursors, start + HOLD_S * 1000, true, () => {});
  sleep(Math.max(0, start / 1000 + HOLD_S + STORM_GAP_S - Date.now() / 1000));
  const back = Date.now();
  let done = false;
  session(who, cursors, back + AFTER_S * 1000, false, (call) => {
    done = true;
    catchUpMs.add(Date.now() - back);
    // Caught up means holding each group's last seq: whatever is still short of it is lost.
    call(LIST, {}, (args) => {
      const r = args[0] as ListAck;
      if (r.ok)
        for (const g of r.groups)
          if (cursors[g.id] !== undefined && g.lastSeq > cursors[g.id]!) lost.add(g.lastSeq - cursors[g.id]!);
    });
  });
  caughtUp.add(done);
}

/** One poster: MISSED messages into each of its groups while the members are away. */
export function poster(data: Data): void {
  const who = data.posters[(__VU - 1) % data.posters.length]!;
  const cursors: Cursors = {};
  session(who, cursors, Date.now() + STORM_GAP_S * 1000, false, (call, close) => {
    let left = MISSED * Object.keys(cursors).length;
    if (left === 0) return close();
    for (let i = 0; i < MISSED; i += 1) {
      for (const groupId of Object.keys(cursors)) {
        call(
          SEND,
          { groupId, clientId: `k6-post-${__VU}-${groupId}-${i}`, text: `压测：离线期间的消息 ${i + 1}` },
          (args) => {
            sendOk.add((args[0] as SendAck).ok);
            if (--left === 0) close();
          },
        );
      }
    }
  });
}
