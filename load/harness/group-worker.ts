import { setTimeout as sleep } from 'node:timers/promises';
import { io, type Socket } from 'socket.io-client';
import type { MessageView } from '@fengqiao/hub/protocol';
import { now } from './clock.ts';
import { announce, serve } from './ipc.ts';

/**
 * A group-chat client worker: whole groups (every member, and each group's poster) live in one
 * worker, so a message's send time and all its receipts are stamped on one clock. The bench drives
 * it over IPC. `hub` clients speak the hub's protocol (message:send, message:created, group:sync);
 * `plain` clients join a room named in their handshake and relay through a plain Socket.IO server.
 */

/** One measured client as the bench hands it out. */
export interface MemberSpec {
  url: string;
  auth: Record<string, string>;
  groupId: string;
  /** Hub: this member has the group's chat open (`group:watch` after each connect, as the web does). */
  watching?: boolean;
}

export interface ConnectStats {
  startedAt: number;
  /** Per client: when it was connected (plain) or connected and caught up with its group (hub). */
  doneAt: number[];
  attempts: number;
  failures: number;
  failureSamples: string[];
}

export interface TrafficStats {
  /** Messages the senders emitted, and how many the server acknowledged. */
  sent: number;
  acked: number;
  sendFailures: number;
  failureSamples: string[];
  /** Per delivery (every member, the sender included): when the message was due → the member's handler, in ms. */
  latencies: number[];
  /** Deliveries still outstanding when the drain time ran out. */
  missing: number;
  /** From the first emit to the last, in ms: the rate the senders managed. */
  sendingMs: number;
  /** The last seq each group's server acknowledged (hub). */
  lastSeq: Record<string, number>;
}

export interface CheckStats {
  members: number;
  /** Seqs up to the group's last that a member never got, live or by sync. */
  lost: number;
  /** The same seq delivered live twice to one member, or one seq with two message ids. */
  doubled: number;
  /** A seq that came both live and in a sync answer: expected after a reconnect, dropped by seq. */
  syncOverlap: number;
}

type Mode = 'hub' | 'plain';
interface Member {
  socket: Socket;
  group: Group;
  watching: boolean;
  cursor: number;
  ahead: Set<number>;
  doubled: number;
  syncOverlap: number;
  /** Resolves the member's wait in a connect or reconnect round. */
  onProgress?: () => void;
}
interface Group {
  id: string;
  members: Member[];
  poster?: Socket;
  nextSender: number;
  /** plain: the relay has no store, so the worker numbers a group's messages itself. */
  seq: number;
  ids: Map<number, string>;
  /** Caught up = holding this seq (hub) — set before a reconnect round. */
  target: number;
}

const TEXT = '收到，三号楼东侧电动车棚已清理完毕，消防通道畅通，请网格员明早再复查一次。';
let mode: Mode = 'hub';
let members: Member[] = [];
const groups = new Map<string, Group>();
let pending = new Map<string, { sentAt: number; left: number }>();
let latencies: number[] = [];
let sample: unknown;

const groupRoom = (groupId: string) => `group:${groupId}`;

/** Takes one seq into a member's view: new, or a duplicate (counted by where it came from). */
function apply(m: Member, seq: number, id: string, via: 'live' | 'sync'): boolean {
  const known = m.group.ids.get(seq);
  if (known === undefined) m.group.ids.set(seq, id);
  else if (known !== id) m.doubled += 1;
  if (seq <= m.cursor || m.ahead.has(seq)) {
    if (via === 'sync') m.syncOverlap += 1;
    else m.doubled += 1;
    return false;
  }
  if (seq === m.cursor + 1) {
    m.cursor = seq;
    while (m.ahead.delete(m.cursor + 1)) m.cursor += 1;
  } else m.ahead.add(seq);
  m.onProgress?.();
  return true;
}

function onMessage(m: Member, msg: MessageView): void {
  if (msg.groupId !== m.group.id) return;
  if (sample === undefined) sample = msg;
  const isNew = apply(m, msg.seq, msg.id, 'live');
  const p = pending.get(msg.clientId);
  if (!p || !isNew) return;
  latencies.push(now() - p.sentAt);
  if (--p.left === 0) pending.delete(msg.clientId);
}

/** Hub: asks for everything after the member's cursor, page by page, as the web client does on connect. */
async function sync(m: Member): Promise<void> {
  for (;;) {
    const res = await m.socket
      .timeout(60_000)
      .emitWithAck('group:sync', { cursors: { [m.group.id]: m.cursor }, limit: 1000 });
    if (!res.ok) throw new Error(`group:sync: ${res.error.code}`);
    for (const msg of res.messages as MessageView[]) if (msg.groupId === m.group.id) apply(m, msg.seq, msg.id, 'sync');
    if (!res.more) return;
  }
}

const caughtUp = (m: Member) => mode === 'plain' || m.cursor >= m.group.target;

/** Connects one member, retrying with full-jitter backoff as a real client does; resolves when caught up. */
async function connectOne(m: Member, stats: ConnectStats, deadline: number): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    stats.attempts += 1;
    const error = await new Promise<string | undefined>((resolve) => {
      m.socket.once('connect', () => (m.socket.off('connect_error'), resolve(undefined)));
      m.socket.once('connect_error', (err) => (m.socket.off('connect'), resolve(err.message)));
      m.socket.connect();
    });
    if (error === undefined) break;
    if (stats.failureSamples.length < 5 && !stats.failureSamples.includes(error)) stats.failureSamples.push(error);
    if (now() > deadline) {
      stats.failures += 1;
      return;
    }
    await sleep(Math.random() * Math.min(5000, 250 * 2 ** attempt));
  }
  if (mode === 'hub') {
    const done = new Promise<void>((resolve) => {
      m.onProgress = () => caughtUp(m) && resolve();
    });
    await sync(m);
    if (m.watching) {
      const res = await m.socket.timeout(60_000).emitWithAck('group:watch', { groupId: m.group.id });
      if (!res.ok) throw new Error(`group:watch: ${res.error.code}`);
    }
    if (!caughtUp(m)) await Promise.race([done, sleep(Math.max(0, deadline - now()))]);
    m.onProgress = undefined;
    if (!caughtUp(m)) {
      stats.failures += 1;
      if (stats.failureSamples.length < 5)
        stats.failureSamples.push(`not caught up: at ${m.cursor} of ${m.group.target}`);
      return;
    }
  }
  stats.doneAt.push(now());
}

/** Runs `fn` over `items` with at most `lanes` in flight. */
async function inLanes<T>(items: readonly T[], lanes: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(lanes, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

function newSocket(url: string, auth: Record<string, string>, timeoutMs: number): Socket {
  return io(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    autoConnect: false,
    auth,
    timeout: timeoutMs,
  });
}

/** One message from the group's next member in turn, due at `dueAt`; resolves when the server acknowledged it. */
async function sendOne(g: Group, tag: string, n: number, dueAt: number, stats: TrafficStats): Promise<void> {
  const sender = g.members[g.nextSender++ % g.members.length]!;
  const clientId = `${tag}-${g.id.slice(-8)}-${n}`;
  // Latency counts from when the message was due, not when a busy loop got round to it.
  const sentAt = dueAt;
  pending.set(clientId, { sentAt, left: g.members.length });
  stats.sent += 1;
  try {
    if (mode === 'hub') {
      const res = await sender.socket
        .timeout(30_000)
        .emitWithAck('message:send', { groupId: g.id, clientId, text: TEXT });
      if (!res.ok) throw new Error(res.error.code);
      stats.lastSeq[g.id] = Math.max(stats.lastSeq[g.id] ?? 0, res.message.seq);
    } else {
      g.seq += 1;
      const msg = {
        ...(sample as MessageView),
        id: `${clientId}-id`,
        groupId: g.id,
        seq: g.seq,
        clientId,
        text: TEXT,
        createdAt: Date.now(),
      };
      await sender.socket.timeout(30_000).emitWithAck('relay-room', groupRoom(g.id), 'message:created', msg);
    }
    stats.acked += 1;
  } catch (err) {
    pending.delete(clientId);
    stats.sendFailures += 1;
    const why = err instanceof Error ? err.message : String(err);
    if (stats.failureSamples.length < 5 && !stats.failureSamples.includes(why)) stats.failureSamples.push(why);
  }
}

serve({
  /** Opens this worker's share: members with bounded handshakes in flight, then the posters. */
  async setup(args: {
    mode: Mode;
    members: MemberSpec[];
    posters: MemberSpec[];
    sample?: unknown;
    concurrency: number;
    timeoutMs: number;
  }): Promise<ConnectStats> {
    mode = args.mode;
    sample = args.sample;
    for (const spec of args.members) {
      let g = groups.get(spec.groupId);
      if (!g)
        groups.set(
          spec.groupId,
          (g = { id: spec.groupId, members: [], nextSender: 0, seq: 0, ids: new Map(), target: 0 }),
        );
      const m: Member = {
        socket: newSocket(spec.url, spec.auth, args.timeoutMs),
        group: g,
        watching: spec.watching === true,
        cursor: 0,
        ahead: new Set(),
        doubled: 0,
        syncOverlap: 0,
      };
      m.socket.on('message:created', (msg: MessageView) => onMessage(m, msg));
      g.members.push(m);
      members.push(m);
    }
    const stats: ConnectStats = { startedAt: now(), doneAt: [], attempts: 0, failures: 0, failureSamples: [] };
    const deadline = now() + args.timeoutMs + members.length * 20;
    await inLanes(members, args.concurrency, (m) => connectOne(m, stats, deadline));
    for (const spec of args.posters) {
      const poster = newSocket(spec.url, spec.auth, args.timeoutMs);
      await new Promise<void>(
        (resolve, reject) => (poster.once('connect', resolve), poster.once('connect_error', reject), poster.connect()),
      );
      groups.get(spec.groupId)!.poster = poster;
    }
    return stats;
  },

  /** `rate` messages a second per group for `durationMs`, group phases spread evenly; then waits for every delivery. */
  async traffic(args: { rate: number; durationMs: number; drainMs: number; tag: string }): Promise<TrafficStats> {
    const stats: TrafficStats = {
      sent: 0,
      acked: 0,
      sendFailures: 0,
      failureSamples: [],
      latencies: [],
      missing: 0,
      sendingMs: 0,
      lastSeq: {},
    };
    pending = new Map();
    latencies = [];
    const list = [...groups.values()];
    const period = 1000 / args.rate;
    const start = now() + 50;
    const due = list.map((_, i) => start + (period * i) / list.length);
    const sends: Promise<void>[] = [];
    let n = 0;
    let firstAt = 0;
    let lastAt = 0;
    while (now() < start + args.durationMs) {
      const t = now();
      for (let i = 0; i < list.length; i += 1) {
        // A late tick sends what was due then, never skipping a message: falling behind shows as latency.
        while (due[i]! <= t && due[i]! < start + args.durationMs) {
          firstAt ||= now();
          lastAt = now();
          sends.push(sendOne(list[i]!, args.tag, n++, due[i]!, stats));
          due[i]! += period;
        }
      }
      await sleep(5);
    }
    await Promise.all(sends);
    const drainUntil = now() + args.drainMs;
    while (pending.size > 0 && now() < drainUntil) await sleep(20);
    for (const p of pending.values()) stats.missing += p.left;
    pending = new Map();
    stats.latencies = latencies;
    stats.sendingMs = lastAt - firstAt;
    latencies = [];
    return stats;
  },

  /** Every member drops its connection at once (client side, as when a network goes away). */
  async drop(): Promise<number> {
    for (const m of members) m.socket.disconnect();
    return members.length;
  },

  /** Hub: each group's poster sends `count` messages the dropped members miss; returns the groups' last seq. */
  async post(args: { count: number; tag: string }): Promise<Record<string, number>> {
    const last: Record<string, number> = {};
    await Promise.all(
      [...groups.values()].map(async (g) => {
        for (let i = 0; i < args.count; i += 1) {
          const res = await g
            .poster!.timeout(30_000)
            .emitWithAck('message:send', { groupId: g.id, clientId: `${args.tag}-${g.id.slice(-8)}-${i}`, text: TEXT });
          if (!res.ok) throw new Error(`poster: ${res.error.code}`);
          last[g.id] = res.message.seq;
        }
        g.target = last[g.id]!;
      }),
    );
    return last;
  },

  /** Every member reconnects at once; per member, when it was connected (plain) or caught up (hub). */
  async reconnect(args: { timeoutMs: number }): Promise<ConnectStats> {
    const stats: ConnectStats = { startedAt: now(), doneAt: [], attempts: 0, failures: 0, failureSamples: [] };
    const deadline = now() + args.timeoutMs;
    await Promise.all(members.map((m) => connectOne(m, stats, deadline)));
    return stats;
  },

  /** Lost and doubled messages per member against the groups' last seq in the store. */
  async check(args: { lastSeq: Record<string, number> }): Promise<CheckStats> {
    const out: CheckStats = { members: members.length, lost: 0, doubled: 0, syncOverlap: 0 };
    for (const m of members) {
      const last = args.lastSeq[m.group.id] ?? 0;
      const held = Math.min(m.cursor, last) + [...m.ahead].filter((s) => s <= last).length;
      out.lost += last - held;
      out.doubled += m.doubled;
      out.syncOverlap += m.syncOverlap;
    }
    return out;
  },

  /** The first hub `message:created` payload seen: the plain side relays this shape. */
  sample: async () => sample,

  async close(): Promise<number> {
    const n = members.length;
    for (const g of groups.values()) g.poster?.close();
    for (const m of members) m.socket.close();
    members = [];
    groups.clear();
    return n;
  },
});
announce({ pid: process.pid });
