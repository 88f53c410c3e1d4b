import type { createClient } from 'redis';
import type { Logger } from '../logger.ts';

type RedisClient = ReturnType<typeof createClient>;
type Listener = (message: Buffer | string, channel: Buffer | string) => void;

/** Channels (`subscribe`), patterns (`pSubscribe`) or Redis 7 sharded channels (`sSubscribe`). */
type Kind = 'channel' | 'pattern' | 'sharded';

interface Subscription {
  kind: Kind;
  channels: string | string[];
  /** The adapter's listener, as it will pass it again to unsubscribe. */
  given: Listener;
  /** What the Redis client actually holds: the adapter's listener behind the probe filter. */
  held: Listener;
  buffers: boolean | undefined;
}

/**
 * The part of a node-redis client @socket.io/redis-adapter uses on its subscriber: the classic
 * adapter (un)subscribes channels and patterns, the sharded one sharded channels, always dropping
 * every listener of a channel at once.
 */
export interface AdapterSubscriber {
  pSubscribe(patterns: string | string[], listener: Listener, buffers?: boolean): Promise<void>;
  subscribe(channels: string | string[], listener: Listener, buffers?: boolean): Promise<void>;
  sSubscribe(channels: string | string[], listener: Listener, buffers?: boolean): Promise<void>;
  pUnsubscribe(patterns: string | string[], listener: Listener, buffers?: boolean): Promise<void>;
  unsubscribe(channels: string | string[], listener: Listener, buffers?: boolean): Promise<void>;
  sUnsubscribe(channels: string | string[]): Promise<void>;
  on(event: string, fn: (...args: unknown[]) => void): AdapterSubscriber;
  off(event: string, fn: (...args: unknown[]) => void): AdapterSubscriber;
}

const CONNECT_WAIT_MS = 3000;

/** A stable id per listener function, so the same (channels, listener) pair finds its entry. */
const listenerIds = new WeakMap<Listener, number>();
let nextListenerId = 0;
const listenerId = (l: Listener): number => {
  let id = listenerIds.get(l);
  if (id === undefined) listenerIds.set(l, (id = ++nextListenerId));
  return id;
};

/**
 * The adapter's subscriber connection, which can be replaced while the adapter keeps running.
 *
 * node-redis has a known class of bugs where a client that subscribed while Redis was unreachable
 * looks subscribed after it connects but delivers nothing (seen here: "Cannot read properties of
 * undefined (reading 'value')"). This wrapper records what the adapter subscribed to, passes the
 * subscriptions on only to a client that is ready, and `rebuild()` replays them on a fresh client.
 * Probes (`probeOf` names them, by channel or by content) are handed to `onProbe` instead of the
 * adapter.
 */
export function createFanoutSubscriber(opts: {
  make: () => RedisClient;
  log: Logger;
  probeOf: (message: Buffer | string, channel: string) => string | undefined;
  onProbe: (probe: string) => void;
}) {
  // Keyed by kind, channels and listener: the sharded adapter holds one entry per room in use.
  const subscriptions = new Map<string, Subscription>();
  const keyOf = (kind: Kind, channels: string | string[], given?: Listener) =>
    `${kind} ${String(channels)}${given && kind !== 'sharded' ? ` ${listenerId(given)}` : ''}`;
  let client = opts.make();

  const apply = (c: RedisClient, s: Subscription): Promise<void> => {
    if (!c.isReady) return Promise.resolve();
    const run =
      s.kind === 'pattern'
        ? c.pSubscribe(s.channels, s.held, s.buffers)
        : s.kind === 'sharded'
          ? c.sSubscribe(s.channels, s.held, s.buffers)
          : c.subscribe(s.channels, s.held, s.buffers);
    return run.catch((err: Error) => opts.log.debug({ err: err.message }, 'redis subscribe failed'));
  };
  const filter =
    (given: Listener): Listener =>
    (message, channel) => {
      const probe = opts.probeOf(message, String(channel));
      if (probe !== undefined) opts.onProbe(probe);
      else given(message, channel);
    };
  const remove = (kind: Kind, channels: string | string[], given?: Listener, buffers?: boolean) => {
    const key = keyOf(kind, channels, given);
    const s = subscriptions.get(key);
    subscriptions.delete(key);
    if (!s || !client.isReady) return Promise.resolve();
    const run =
      kind === 'pattern'
        ? client.pUnsubscribe(channels, s.held, buffers)
        : kind === 'sharded'
          ? client.sUnsubscribe(channels)
          : client.unsubscribe(channels, s.held, buffers);
    return run.catch(() => {});
  };
  const add = (kind: Kind, channels: string | string[], given: Listener, buffers: boolean | undefined) => {
    const s = { kind, channels, given, held: filter(given), buffers };
    subscriptions.set(keyOf(kind, channels, given), s);
    return apply(client, s);
  };

  const facade: AdapterSubscriber = {
    pSubscribe: (patterns, listener, buffers) => add('pattern', patterns, listener, buffers),
    subscribe: (channels, listener, buffers) => add('channel', channels, listener, buffers),
    sSubscribe: (channels, listener, buffers) => add('sharded', channels, listener, buffers),
    pUnsubscribe: (patterns, listener, buffers) => remove('pattern', patterns, listener, buffers),
    unsubscribe: (channels, listener, buffers) => remove('channel', channels, listener, buffers),
    sUnsubscribe: (channels) => remove('sharded', channels),
    on(event, fn) {
      client.on(event, fn);
      return facade;
    },
    off(event, fn) {
      client.off(event, fn);
      return facade;
    },
  };

  return {
    facade,
    current: () => client,
    /** Connects a fresh client, replays every subscription on it, then drops the old one. */
    async rebuild(): Promise<void> {
      const next = opts.make();
      try {
        await Promise.race([
          next.connect(),
          new Promise((_, reject) => setTimeout(() => reject(new Error('connect timed out')), CONNECT_WAIT_MS).unref()),
        ]);
        for (const s of subscriptions.values()) await apply(next, s);
      } catch (err) {
        if (next.isOpen) next.destroy();
        throw err;
      }
      const old = client;
      client = next;
      if (old.isOpen) old.destroy();
    },
    async close(): Promise<void> {
      // close() waits for pending replies, which never come while Redis is down: then destroy.
      if (client.isReady) await client.close().catch(() => client.destroy());
      else if (client.isOpen) client.destroy();
    },
  };
}
