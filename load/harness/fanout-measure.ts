import { setTimeout as sleep } from 'node:timers/promises';
import type { Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@fengqiao/hub/protocol';
import type { BenchStore, Squad } from './bench-store.ts';
import type { ClientPool, PoolActs, PoolConnect } from './client-pool.ts';
import type { ConnectTarget } from './clients.ts';
import { now } from './clock.ts';
import { perConnection, type MemorySnapshot, type PerConnection } from './memory.ts';
import { clusterMemory, clusterWork, type ServerNode } from './server-nodes.ts';
import { summarize, type Summary } from './stats.ts';

/** Settings of every round. */
export interface FanoutSettings {
  /** Handshakes in flight over all workers. */
  concurrency: number;
  connectTimeoutMs: number;
  /** How long to wait for the last recipient, and for the last acknowledgement. */
  deliveryTimeoutMs: number;
  /** Pause after closing N clients, so the next measurement does not share the CPU with their teardown. */
  settleMs: number;
}

export type HubSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export const EVENT = 'order:assigned' satisfies keyof ServerToClientEvents;

/** One side of the comparison, for one size: its nodes and the client that sends. */
export interface Side {
  /** How the report names it: `plain`, `hub`, or the hub with its adapter (`hub classic`, `hub sharded`). */
  name: string;
  kind: 'baseline' | 'hub';
  nodes: ServerNode[];
  /** hub: the dispatcher on node A; baseline: a sender on node A whose event the server relays. */
  sender: Socket;
}

/** Everything one size's rounds need: one plain baseline and one or more hub clusters beside it. */
export interface SizeContext {
  n: number;
  pool: ClientPool;
  store: BenchStore;
  baseline: Side;
  hubs: Side[];
  settings: FanoutSettings;
}

/** What one recipient-facing fan-out looked like. */
export interface Delivery {
  /** From just before the sender's emit to each recipient's handler, in ms. */
  latency: Summary;
  /** From just before the emit to the sender's acknowledgement (hub: order and recipients persisted). */
  senderAnsweredMs: number;
  missing: number;
  /** Receipts of some other order (there should be none). */
  strays: number;
}

/** Phases a CPU profile can be cut to; `rest` is the group chat bench's window with nothing sent. */
export type Phase = 'connect' | 'delivery' | 'acks' | 'rest';

/** One server kind, one round. */
export interface Round {
  /** The side's name (see `Side`). */
  target: string;
  connect: PoolConnect;
  /** Server processes only (the clients live elsewhere), summed over nodes, per connection. */
  memory: PerConnection;
  /** Server processes with N connected, summed over nodes. */
  memoryWithN: MemorySnapshot;
  delivery: Delivery;
  /** hub: the recipients the order was resolved to, as its acknowledgement said. */
  recipients?: number;
  /** hub: every recipient acknowledges at once. */
  acks?: PoolActs & { acknowledgedInStore: number };
  /**
   * What the server processes did in each phase, summed over nodes: CPU time (ms) and, on the hub,
   * store queries. Delivery runs from just before the send to the last receipt; acks likewise.
   */
  work: Partial<Record<'delivery' | 'acks', { cpuMs: number; queries: number }>>;
  /** When each phase ran, on the shared clock (ms): to cut a CPU profile of the server to one phase. */
  phases: Partial<Record<Phase, [number, number]>>;
  error?: string;
}

const TITLE = '【闪电】全所统一清查行动';
/** A flash order as a command room writes one: 96 characters, 288 bytes of UTF-8. */
const BODY =
  '接分局指令，今晚二十点起全所开展统一清查行动。各中队按网格分片到岗，重点检查出租屋、旅馆、网吧等场所，发现可疑情况立即上报指挥室。请在收到后两分钟内签收，行动结束后在系统内反馈清查结果。';

/**
 * A side's part of an order's client id: hub sides share the store and the dispatcher, and the hub
 * answers a repeated client id with the order it already made.
 */
const slug = (side: Side) => side.name.replace(/\W/g, '-');

/** Clients of a side: client i on node ⌊i / workers⌋ mod nodes, so every worker holds a share of every node. */
export function targetsOf(
  nodes: readonly ServerNode[],
  workers: number,
  auths: readonly Record<string, string>[],
): ConnectTarget[] {
  return auths.map((auth, i) => ({ url: nodes[Math.floor(i / workers) % nodes.length]!.url, auth }));
}

/** Sends one order to the squad through the dispatcher's socket; resolves with its id and recipients. */
export async function sendOrder(dispatcher: HubSocket, squad: Squad, clientId: string, timeoutMs: number) {
  const res = await dispatcher.timeout(timeoutMs).emitWithAck('order:create', {
    clientId,
    title: TITLE,
    body: BODY,
    priority: 'flash',
    targets: [{ kind: 'unit', unitId: squad.unitId }],
  });
  if (!res.ok) throw new Error(`order:create refused: ${res.error.code} ${res.error.message}`);
  return { orderId: res.order.id, recipients: res.recipients };
}

/**
 * The warm-up of a size: a few clients on each side get one fan-out (hub: an order they then
 * acknowledge), so no side is measured with cold code. Returns the first hub's `order:assigned`
 * payload as received: the baseline relays exactly this object, so all frames are the same size.
 */
export async function warmUp(ctx: SizeContext, tag: string): Promise<unknown> {
  const { pool, settings } = ctx;
  const warm = ctx.store.squads.get(0)!;
  let sample: unknown;
  for (const hub of ctx.hubs) {
    await pool.connect(
      targetsOf(
        hub.nodes,
        pool.size,
        warm.tokens.map((token) => ({ token })),
      ),
      settings.concurrency,
      settings.connectTimeoutMs,
    );
    await pool.arm(EVENT, true);
    const clientId = `warm-${tag}-${slug(hub)}`;
    const { orderId } = await sendOrder(hub.sender as HubSocket, warm, clientId, settings.deliveryTimeoutMs);
    const got = await pool.collect(settings.deliveryTimeoutMs);
    if (got.missing || got.sample === undefined)
      throw new Error(`warm-up of ${hub.name}: ${got.missing} of ${warm.tokens.length} never got the order`);
    sample ??= got.sample;
    await pool.acknowledge(orderId, `${clientId}-ack`, settings.deliveryTimeoutMs);
    await pool.closeClients();
  }

  await pool.connect(
    targetsOf(
      ctx.baseline.nodes,
      pool.size,
      warm.tokens.map(() => ({})),
    ),
    settings.concurrency,
    settings.connectTimeoutMs,
  );
  await pool.arm(EVENT);
  await ctx.baseline.sender.timeout(settings.deliveryTimeoutMs).emitWithAck('relay', EVENT, sample);
  await pool.collect(settings.deliveryTimeoutMs);
  await pool.closeClients();
  await sleep(settings.settleMs);
  return sample;
}

/**
 * One round of one side: connect N (memory of the server processes before and after), one
 * fan-out to all N timed from just before the sender's emit, and on the hub every recipient's
 * acknowledgement; then close all N.
 */
export async function measureRound(ctx: SizeContext, side: Side, payload: unknown, tag: string): Promise<Round> {
  const { pool, settings, n } = ctx;
  const hub = side.kind === 'hub';
  const squad = ctx.store.squads.get(n)!;
  const auths = hub ? squad.tokens.map((token) => ({ token })) : squad.tokens.map(() => ({}));
  const before = await clusterMemory(side.nodes);
  const connectedFrom = now();
  const connect = await pool.connect(
    targetsOf(side.nodes, pool.size, auths),
    settings.concurrency,
    settings.connectTimeoutMs,
  );
  const phases: Round['phases'] = { connect: [connectedFrom, now()] };
  const memoryWithN = await clusterMemory(side.nodes);
  const round: Round = {
    target: side.name,
    connect,
    memory: perConnection(before, memoryWithN, connect.connected),
    memoryWithN,
    delivery: { latency: summarize([]), senderAnsweredMs: Number.NaN, missing: connect.connected, strays: 0 },
    work: {},
    phases,
  };
  const since = async (w0: { cpuMs: number; queries: number }) => {
    const w1 = await clusterWork(side.nodes);
    return { cpuMs: w1.cpuMs - w0.cpuMs, queries: w1.queries - w0.queries };
  };
  try {
    await pool.arm(EVENT);
    const beforeSend = await clusterWork(side.nodes);
    let expected = (payload as { order: { id: string } }).order.id;
    const sentAt = now();
    if (hub) {
      const sent = await sendOrder(
        side.sender as HubSocket,
        squad,
        `bench-${tag}-${slug(side)}`,
        settings.deliveryTimeoutMs,
      );
      expected = sent.orderId;
      round.recipients = sent.recipients;
    } else {
      await side.sender.timeout(settings.deliveryTimeoutMs).emitWithAck('relay', EVENT, payload);
    }
    const answeredAt = now();
    const got = await pool.collect(settings.deliveryTimeoutMs);
    round.delivery = {
      latency: summarize(got.times.map((t) => t - sentAt)),
      senderAnsweredMs: answeredAt - sentAt,
      missing: got.missing,
      strays: got.times.length - (got.byOrder[expected] ?? 0),
    };
    phases.delivery = [sentAt, got.times.reduce((a, t) => Math.max(a, t), answeredAt)];
    round.work.delivery = await since(beforeSend);
    if (hub) {
      // Let the order's own after-effects (board push to the dispatcher) pass before the next burst.
      await sleep(300);
      const beforeAcks = await clusterWork(side.nodes);
      const acks = await pool.acknowledge(expected, `ack-${tag}-${slug(side)}`, settings.deliveryTimeoutMs);
      round.work.acks = await since(beforeAcks);
      round.acks = { ...acks, acknowledgedInStore: await ctx.store.acknowledged(expected) };
      phases.acks = [acks.firstFiredAt, acks.lastAnsweredAt];
    }
  } catch (err) {
    round.error = err instanceof Error ? err.message : String(err);
  } finally {
    await pool.closeClients();
    await sleep(settings.settleMs);
  }
  return round;
}
