import type { createClient } from 'redis';
import type { Logger } from '../logger.ts';

type RedisClient = ReturnType<typeof createClient>;
type Listener = (message: Buffer | string, channel: Buffer | string) => void;

interface Subscription {
  pattern: boolean;
  channels: string | string[];
  /** The adapter's listener, as it will pass it again to unsubscribe. */
  given: Listener;
  /** What the Redis client actually holds: the adapter's listener behind the probe filter. */
  held: Listener;
  buffers: boolean | undefined;
}

/** The part of a node-redis client @socket.io/redis-adapter uses on its subscriber. */
export interface AdapterSubscriber {
  pSubscribe(patterns: string | string[], listener: Listener, buffers?: boolean): Promise<void>;
  subscribe(channels: string | string[], listener: Listener, buffers?: boolean): Promise<void>;
  pUnsubscribe(patterns: string | string[], listener: Listener, buffers?: boolean): Promise<void>;
  unsubscribe(channels: string | string[], listener: Listener, buffers?: boolean): Promise<void>;
  on(event: string, fn: (...args: unknown[]) => void): AdapterSubscriber;
  off(event: string, fn: (...args: unknown[]) => void): AdapterSubscriber;
}

const CONNECT_WAIT_MS = 3000;

/**
 * The adapter's subscriber connection, which can be replaced while the adapter keeps running.
 *
 * node-redis has a known class of bugs where a client that subscribed while Redis was unreachable
 * looks subscribed after it connects but delivers nothing (seen here: "Cannot read properties of
 * undefined (reading 'value')"). This wrapper records what the adapter subscribed to, passes the
 * subscriptions on only to a client that is ready, and `rebuild()` replays them on a fresh client.
 * Messages on probe channels are handed to `onProbe` instead of the adapter.
 */
export function createFanoutSubscriber(opts: {
  make: () => RedisClient;
  log: Logger;
  isProbe: (channel: string) => boolean;
  onProbe: (channel: string) => void;
}) {
  const subscriptions: Subscription[] = [];
  let client = opts.make();

  const apply = (c: RedisClient, s: Subscription): Promise<void> => {
    if (!c.isReady) return Promise.resolve();
    const run = s.pattern ? c.pSubscribe(s.channels, s.held, s.buffers) : c.subscribe(s.channels, s.held, s.buffers);
    return run.catch((err: Error) => opts.log.debug({ err: err.message }, 'redis subscribe failed'));
  };
  const filter =
    (given: Listener): Listener =>
    (message, channel) => {
      const name = String(channel);
      if (opts.isProbe(name)) opts.onProbe(name);
      else given(message, channel);
    };
  const remove = (pattern: boolean, channels: string | string[], given: Listener, buffers: boolean | undefined) => {
    const same = (s: Subscription) =>
      s.pattern === pattern && s.given === given && String(s.channels) === String(channels);
    const i = subscriptions.findIndex(same);
    const [s] = i >= 0 ? subscriptions.splice(i, 1) : [];
    if (!s || !client.isReady) return Promise.resolve();
    const run = pattern
      ? client.pUnsubscribe(channels, s.held, buffers)
      : client.unsubscribe(channels, s.held, buffers);
    return run.catch(() => {});
  };
  const add = (pattern: boolean, channels: string | string[], given: Listener, buffers: boolean | undefined) => {
    const s = { pattern, channels, given, held: filter(given), buffers };
    subscriptions.push(s);
    return apply(client, s);
  };

  const facade: AdapterSubscriber = {
    pSubscribe: (patterns, listener, buffers) => add(true, patterns, listener, buffers),
    subscribe: (channels, listener, buffers) => add(false, channels, listener, buffers),
    pUnsubscribe: (patterns, listener, buffers) => remove(true, patterns, listener, buffers),
    unsubscribe: (channels, listener, buffers) => remove(false, channels, listener, buffers),
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
        for (const s of subscriptions) await apply(next, s);
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
