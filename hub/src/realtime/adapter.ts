import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import type { RedisAdapterMode } from '../config.ts';
import type { FanoutStatus } from '../http/health.routes.ts';
import type { Logger } from '../logger.ts';
import { createFanoutSubscriber } from './fanout-subscriber.ts';

/** The fan-out backend: in-memory (one node) or Redis pub/sub (many nodes). */
export interface FanoutBackend {
  kind: 'memory' | 'redis';
  /** Socket.IO adapter constructor; undefined means Socket.IO's own in-memory adapter. */
  adapter: ReturnType<typeof createAdapter> | ReturnType<typeof createShardedAdapter> | undefined;
  /** Whether live fan-out reaches other nodes, for /healthz and the metrics. */
  status(): FanoutStatus;
  /**
   * A number that stays the same while every message other nodes publish reaches this node; a
   * new one after any moment one may have been lost; undefined while they may not arrive (what
   * this node caches on the strength of other nodes' invalidations holds only under one number).
   */
  trust(): number | undefined;
  close(): Promise<void>;
}

const CONNECT_WAIT_MS = 3000;

/** Commands the adapter sends on its publisher without handling their failure. */
const UNGUARDED = new Set(['publish', 'sPublish']);

/**
 * The adapter fires these commands and drops their promises; while Redis is down they reject,
 * which Node treats as unhandled. This view of the client logs those failures instead: the event
 * is lost for other nodes, and clients catch up from the store.
 */
function guardCommands<C extends object>(client: C, log: Logger): C {
  return new Proxy(client, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      if (typeof prop !== 'string' || !UNGUARDED.has(prop)) return value.bind(target);
      return (...args: unknown[]) => {
        const result: unknown = value.apply(target, args);
        if (result instanceof Promise)
          result.catch((err: Error) => log.debug({ command: prop, err: err.message }, 'redis command failed'));
        return result;
      };
    },
  });
}

/** In-memory fan-out: every client is on this node. */
export function memoryBackend(): FanoutBackend {
  return {
    kind: 'memory',
    adapter: undefined,
    status: () => ({ reachable: true, lastProbeOkAt: null, rebuilds: 0 }),
    // No other node: nothing can be missed.
    trust: () => 0,
    close: async () => {},
  };
}

/** How long a probe may take to come back before the receive path counts as broken. */
const PROBE_WAIT_MS = 2000;

/** Starts a probe's name; on the sharded adapter's namespace channel, its content (adapter messages start with `{` or a msgpack map). */
const PROBE_MARK = 'fanout-probe:';

/**
 * Redis fan-out through @socket.io/redis-adapter, classic or sharded. Redis carries live events
 * only; when it is down the hub keeps serving its own clients and /healthz says fan-out is
 * degraded. Every `probeEveryMs` the node publishes a probe where the adapter listens (classic: on
 * its broadcast pattern; sharded: on its namespace channel) and waits for it on its subscriber:
 * when Redis answers but the probe does not come back, the subscriber is rebuilt.
 */
export async function redisBackend(opts: {
  url: string;
  channelPrefix: string;
  log: Logger;
  probeEveryMs?: number;
  mode?: RedisAdapterMode;
}): Promise<FanoutBackend> {
  const { url, channelPrefix, log, probeEveryMs = 5000, mode = 'classic' } = opts;
  let lastErrorLog = 0;
  // Moments a message from another node may have been lost: a client error or close, a failed probe, a rebuild.
  let gaps = 0;
  const watch = <C extends ReturnType<typeof createClient>>(name: string, client: C): C => {
    client.on('end', () => (gaps += 1));
    client.on('error', (err: Error) => {
      gaps += 1;
      // A down Redis errors on every retry: log at most every 10 s.
      if (Date.now() - lastErrorLog > 10_000) {
        lastErrorLog = Date.now();
        log.warn({ client: name, err: err.message }, 'redis unreachable; live fan-out is local only');
      }
    });
    client.on('ready', () => log.info({ client: name }, 'redis ready'));
    return client;
  };
  const pub = watch(
    'pub',
    createClient({
      url,
      socket: { reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 5000) },
    }),
  );

  // The probe takes the same Redis subscription and client listener as real events; other nodes
  // drop it unseen. Classic: a channel of the adapter's broadcast pattern (`<prefix>#/#*`), named
  // by the probe. Sharded channels have no patterns: the namespace channel, marked in the content.
  const probeId = `${PROBE_MARK}${randomUUID()}`;
  const probeChannel = mode === 'classic' ? `${channelPrefix}#/#${probeId}#` : `${channelPrefix}#/#`;
  const classicProbes = `${channelPrefix}#/#${PROBE_MARK}`;
  const probeOf =
    mode === 'classic'
      ? (_message: Buffer | string, channel: string) => (channel.startsWith(classicProbes) ? channel : undefined)
      : (message: Buffer | string) => {
          const text = typeof message === 'string' ? message : message[0] === 0x66 ? message.toString() : '';
          return text.startsWith(PROBE_MARK) ? text : undefined;
        };
  // What comes back when this node's own probe does.
  const ownProbe = mode === 'classic' ? probeChannel : probeId;
  let probeReturned: (() => void) | undefined;
  const subscriber = createFanoutSubscriber({
    make: () => watch('sub', pub.duplicate()),
    log,
    probeOf,
    onProbe: (probe) => probe === ownProbe && probeReturned?.(),
  });

  const connected = Promise.all([pub.connect(), subscriber.current().connect()]);
  const timer = new Promise<'timeout'>((r) => setTimeout(r, CONNECT_WAIT_MS, 'timeout').unref());
  const first = await Promise.race([connected.then(() => 'ok' as const), timer]).catch(() => 'failed' as const);
  if (first !== 'ok') log.warn({ first }, 'redis not reachable at start-up; continuing with local fan-out');

  // Until the first probe (the adapter subscribes once Socket.IO starts), trust the connection.
  const status: FanoutStatus = { reachable: first === 'ok', lastProbeOkAt: null, rebuilds: 0 };
  const probeOnce = async (): Promise<boolean> => {
    if (!pub.isReady) return false;
    const back = new Promise<boolean>((resolve) => {
      const wait = setTimeout(resolve, PROBE_WAIT_MS, false);
      probeReturned = () => (clearTimeout(wait), resolve(true));
    });
    const sent = mode === 'classic' ? pub.publish(probeChannel, '1') : pub.sPublish(probeChannel, probeId);
    await sent.catch(() => undefined);
    const ok = await back;
    probeReturned = undefined;
    if (ok) status.lastProbeOkAt = Date.now();
    return ok;
  };
  const probe = async (): Promise<void> => {
    status.reachable = await probeOnce();
    if (status.reachable) return;
    gaps += 1;
    if (!pub.isReady) return;
    log.warn({ rebuilds: status.rebuilds }, 'fan-out probe did not come back; rebuilding the redis subscriber');
    try {
      await subscriber.rebuild();
      gaps += 1;
      status.rebuilds++;
      status.reachable = await probeOnce();
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'redis subscriber rebuild failed; trying again next probe');
    }
  };
  let stopped = false;
  let probeTimer: NodeJS.Timeout | undefined;
  const loop = (): void => {
    probeTimer = setTimeout(() => void probe().finally(() => !stopped && loop()), probeEveryMs);
    probeTimer.unref();
  };
  loop();

  return {
    kind: 'redis',
    adapter:
      mode === 'classic'
        ? createAdapter(guardCommands(pub, log), subscriber.facade, { key: channelPrefix, requestsTimeout: 3000 })
        : createShardedAdapter(guardCommands(pub, log), subscriber.facade, {
            channelPrefix,
            subscriptionMode: 'dynamic',
          }),
    status: () => ({ ...status, reachable: pub.isReady && status.reachable }),
    // Only once a probe came back (the adapter's subscriptions work), and while both clients are up.
    trust: () =>
      status.reachable && status.lastProbeOkAt !== null && pub.isReady && subscriber.current().isReady
        ? gaps
        : undefined,
    async close() {
      stopped = true;
      clearTimeout(probeTimer);
      await subscriber.close();
      // close() waits for pending replies, which never come while Redis is down: then destroy.
      if (pub.isReady) await pub.close().catch(() => pub.destroy());
      else if (pub.isOpen) pub.destroy();
    },
  };
}
