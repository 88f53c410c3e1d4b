import type { ServerToClientEvents } from '../protocol/index.ts';
import type { Metrics } from './metrics.ts';

type Out = ServerToClientEvents;
type PayloadOf<E extends keyof Out> = Parameters<Out[E]>[0];

/** Events that announce a persisted write: the kind their fan-out latency counts under, and the persisted time. */
const PERSISTED: { [E in keyof Out]?: { kind: string; at(payload: PayloadOf<E>): number } } = {
  'message:created': { kind: 'message', at: (m) => m.createdAt },
  'hotline:message-created': { kind: 'hotline', at: (m) => m.createdAt },
  'order:assigned': { kind: 'order', at: (a) => a.order.createdAt },
  'order:issued': { kind: 'order_issued', at: (p) => p.order.createdAt },
};

/** The parts of a Socket.IO namespace the meter hooks (structural, so http/ does not import realtime/). */
export interface MeteredNamespace {
  adapter: { broadcast(packet: { data?: unknown[] }, opts: never): void };
  /** Where events sent by other nodes with serverSideEmit arrive; their handlers run synchronously in it. */
  _onServerSideEmit(args: [string, ...unknown[]]): void;
}

/**
 * Counts what this node emits to clients and how long after it was persisted, at the one place every
 * room emit passes: the adapter's broadcast (one call per emit, not per socket, so nothing is
 * counted in a per-socket loop). Emits that relay another node's fan-out (sent by serverSideEmit
 * and re-emitted here to local sockets) are left out: the node that emitted first counted them,
 * so a sum over nodes counts each event once. Events from other nodes through the Redis adapter
 * never pass here at all. Direct `socket.emit` (request:failed) is not counted.
 */
export function meterEmits(nsp: MeteredNamespace, metrics: Metrics, now: () => number = Date.now): void {
  const { adapter } = nsp;
  const broadcast = adapter.broadcast.bind(adapter);
  const relay = nsp._onServerSideEmit.bind(nsp);
  let relaying = false;
  nsp._onServerSideEmit = (args) => {
    relaying = true;
    try {
      relay(args);
    } finally {
      relaying = false;
    }
  };
  adapter.broadcast = (packet, opts) => {
    broadcast(packet, opts);
    const [event, payload] = packet.data ?? [];
    if (relaying || typeof event !== 'string') return;
    metrics.eventsOut.inc({ event });
    const persisted = PERSISTED[event as keyof Out] as { kind: string; at(p: unknown): number } | undefined;
    const at = persisted?.at(payload);
    if (persisted && typeof at === 'number')
      metrics.fanoutLatency.observe({ kind: persisted.kind }, Math.max(0, now() - at) / 1000);
  };
}
