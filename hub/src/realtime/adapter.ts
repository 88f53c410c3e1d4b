import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import type { Logger } from '../logger.ts';

/** The fan-out backend: in-memory (one node) or Redis pub/sub (many nodes). */
export interface FanoutBackend {
  kind: 'memory' | 'redis';
  /** Socket.IO adapter constructor; undefined means Socket.IO's own in-memory adapter. */
  adapter: ReturnType<typeof createAdapter> | undefined;
  /** True when live fan-out reaches other nodes right now. */
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}

const CONNECT_WAIT_MS = 3000;

/** Commands the adapter sends without handling their failure. */
const UNGUARDED = new Set(['publish', 'subscribe', 'pSubscribe', 'unsubscribe', 'pUnsubscribe']);

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
        if (result instanceof Promise) result.catch((err: Error) => log.debug({ command: prop, err: err.message }, 'redis command failed'));
        return result;
      };
    },
  });
}

/** In-memory fan-out: every client is on this node. */
export function memoryBackend(): FanoutBackend {
  return { kind: 'memory', adapter: undefined, healthy: async () => true, close: async () => {} };
}

/**
 * Redis fan-out through @socket.io/redis-adapter. Redis carries live events only; when it is down
 * the hub keeps serving its own clients, /readyz says so, and node-redis reconnects and
 * re-subscribes by itself.
 */
export async function redisBackend(url: string, channelPrefix: string, log: Logger): Promise<FanoutBackend> {
  const pub = createClient({
    url,
    socket: { reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 5000) },
  });
  const sub = pub.duplicate();
  let lastErrorLog = 0;
  for (const [name, client] of [['pub', pub], ['sub', sub]] as const) {
    client.on('error', (err: Error) => {
      // A down Redis errors on every retry: log at most every 10 s.
      if (Date.now() - lastErrorLog > 10_000) {
        lastErrorLog = Date.now();
        log.warn({ client: name, err: err.message }, 'redis unreachable; live fan-out is local only');
      }
    });
    client.on('ready', () => log.info({ client: name }, 'redis ready'));
  }
  const connected = Promise.all([pub.connect(), sub.connect()]);
  const timer = new Promise<'timeout'>((r) => setTimeout(r, CONNECT_WAIT_MS, 'timeout').unref());
  const first = await Promise.race([connected.then(() => 'ok' as const), timer]).catch(() => 'failed' as const);
  if (first !== 'ok') log.warn({ first }, 'redis not reachable at start-up; continuing with local fan-out');

  return {
    kind: 'redis',
    adapter: createAdapter(guardCommands(pub, log), guardCommands(sub, log), { key: channelPrefix, requestsTimeout: 3000 }),
    async healthy() {
      if (!pub.isReady || !sub.isReady) return false;
      const reply = await Promise.race([
        pub.ping(),
        new Promise<null>((r) => setTimeout(r, 1000, null).unref()),
      ]).catch(() => null);
      return reply === 'PONG';
    },
    async close() {
      // close() waits for pending replies, which never come while Redis is down: then destroy.
      for (const client of [pub, sub]) {
        if (client.isReady) await client.close().catch(() => client.destroy());
        else if (client.isOpen) client.destroy();
      }
    },
  };
}
