import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, MessageView, ServerToClientEvents } from '../../hub/src/protocol/index.ts';
import type { BenchGroup } from './group-store.ts';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * Clients of a rolling restart, behaving as the web client does (web/src/lib/realtime): token
 * auth, reconnect with jittered backoff, including after the server closed the socket, and on
 * every (re)connect a sync from the last seq held, so a message missed while moving is fetched.
 * Every `pollingEvery`-th client is long-polling only, with a cookie jar (the proxy's node cookie).
 */
export interface FleetOptions {
  url: string;
  groups: BenchGroup[];
  pollingEvery: number;
}

/** One member: which seqs of its group it holds, and how it got them. */
interface Member {
  socket: ClientSocket;
  groupId: string;
  seqs: Set<number>;
  /** Seqs that came by live fan-out. */
  live: Set<number>;
  /** The same seq delivered twice by live fan-out (not the overlap of a sync with live events). */
  liveDoubles: number;
  connects: number;
}

export interface Fleet {
  /** Members connected right now. */
  connected(): number;
  /** Sends one message to each group from its poster, retried with its client id until acknowledged. */
  sendRound(round: number): Promise<void>;
  /** Live deliveries: when a message was received, and its latency from the send (ms). */
  latencies: { at: number; ms: number }[];
  /** After the flow stopped: each member's view against the group's seqs 1..last. */
  verify(lastSeq: Map<string, number>): { missing: number; doubled: number; members: number };
  /** Connects made after the first, over all members. */
  reconnects(): number;
  /** Per node id, how many members it holds (asked of each socket). */
  nodes(): Promise<Map<string, number>>;
  close(): void;
}

const ACK_TIMEOUT_MS = 5000;
const jitter = (maxMs: number) => new Promise((r) => setTimeout(r, Math.random() * maxMs));

function connect(url: string, token: string, polling: boolean): ClientSocket {
  return io(url, {
    transports: polling ? ['polling'] : ['websocket'],
    withCredentials: true,
    forceNew: true,
    auth: { token },
    reconnectionDelay: 250,
    reconnectionDelayMax: 3000,
    randomizationFactor: 0.5,
  });
}

/** Opens every member's and poster's socket; resolves when all are connected and synced once. */
export async function startFleet(opts: FleetOptions): Promise<Fleet> {
  const members: Member[] = [];
  const posters = new Map<string, ClientSocket>();
  const latencies: { at: number; ms: number }[] = [];
  let index = 0;
  const ready: Promise<void>[] = [];

  const attach = (socket: ClientSocket, member: Member | undefined) => {
    // A server-side close (a node stopping) is not retried by socket.io-client itself.
    socket.on('disconnect', (why) => {
      if (why === 'io server disconnect') void jitter(1000).then(() => socket.connect());
    });
    if (!member) return;
    socket.on('message:created', (m: MessageView) => {
      if (m.groupId !== member.groupId) return;
      if (member.live.has(m.seq)) member.liveDoubles += 1;
      member.live.add(m.seq);
      member.seqs.add(m.seq);
      const sent = Number(/t=(\d+)/.exec(m.text)?.[1]);
      if (sent) latencies.push({ at: Date.now(), ms: Date.now() - sent });
    });
    socket.on('connect', () => {
      member.connects += 1;
      void syncFrom(member);
    });
  };

  /** What came after the highest contiguous seq this member holds. */
  async function syncFrom(member: Member): Promise<void> {
    for (;;) {
      let from = 0;
      while (member.seqs.has(from + 1)) from += 1;
      const res = await member.socket
        .timeout(ACK_TIMEOUT_MS)
        .emitWithAck('group:sync', { cursors: { [member.groupId]: from } })
        .catch(() => undefined);
      if (!res?.ok) return; // disconnected again: the next connect syncs
      for (const m of res.messages) if (m.groupId === member.groupId) member.seqs.add(m.seq);
      if (!res.more) return;
    }
  }

  for (const group of opts.groups) {
    for (const token of group.tokens) {
      const socket = connect(opts.url, token, index % opts.pollingEvery === opts.pollingEvery - 1);
      index += 1;
      const member: Member = {
        socket,
        groupId: group.groupId,
        seqs: new Set(),
        live: new Set(),
        liveDoubles: 0,
        connects: 0,
      };
      members.push(member);
      attach(socket, member);
      ready.push(new Promise((r) => socket.once('connect', () => r())));
    }
    const poster = connect(opts.url, group.posterToken, false);
    attach(poster, undefined);
    posters.set(group.groupId, poster);
    ready.push(new Promise((r) => poster.once('connect', () => r())));
  }
  await Promise.all(ready);

  async function send(groupId: string, clientId: string): Promise<void> {
    const poster = posters.get(groupId)!;
    for (;;) {
      const text = `滚动重启 ${clientId} t=${Date.now()}`;
      if (poster.connected) {
        const res = await poster
          .timeout(ACK_TIMEOUT_MS)
          .emitWithAck('message:send', { groupId, clientId, text })
          .catch(() => undefined);
        // Refused while the node drains (unavailable), or lost with the connection: the same
        // client id again, so a send that did commit is answered, not stored twice.
        if (res?.ok) return;
      }
      await jitter(200);
    }
  }

  return {
    connected: () => members.filter((m) => m.socket.connected).length,
    async sendRound(round) {
      await Promise.all(opts.groups.map((g, i) => send(g.groupId, `rr-${round}-${i}-${g.groupId}`)));
    },
    latencies,
    verify(lastSeq) {
      let missing = 0;
      let doubled = 0;
      for (const m of members) {
        const last = lastSeq.get(m.groupId) ?? 0;
        for (let s = 1; s <= last; s += 1) if (!m.seqs.has(s)) missing += 1;
        doubled += m.liveDoubles;
      }
      return { missing, doubled, members: members.length };
    },
    reconnects: () => members.reduce((n, m) => n + m.connects - 1, 0),
    async nodes() {
      const out = new Map<string, number>();
      await Promise.all(
        members.map(async (m) => {
          const res = await m.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('system:ping', {});
          const node = res.ok ? res.node : 'none';
          out.set(node, (out.get(node) ?? 0) + 1);
        }),
      );
      return out;
    },
    close() {
      for (const m of members) m.socket.close();
      for (const p of posters.values()) p.close();
    },
  };
}
