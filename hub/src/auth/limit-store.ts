import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { createClient } from 'redis';
import type { Logger } from '../logger.ts';

/** One named counter: `points` per fixed window of `durationS` seconds, per key. */
export interface LimitSpec {
  name: string;
  points: number;
  durationS: number;
}

/** Where sign-in and sign-up limits count: Redis shared by every node, or this process alone. */
export interface LimitStore {
  kind: 'redis' | 'memory';
  limiter(spec: LimitSpec): RateLimiterAbstract;
  close(): Promise<void>;
}

const CONNECT_WAIT_MS = 3000;

/**
 * Opens the limit store. With Redis every node shares the counters (rate-limiter-flexible's
 * atomic Lua increment); a per-node in-memory insurance limiter takes over while Redis is
 * unreachable, so an outage weakens the limits to per node but never blocks sign-in.
 * Keys are `<prefix>:limit:<name>:<key>`, so hubs sharing a prefix share limits.
 */
export async function openLimitStore(opts: {
  redisUrl: string | undefined;
  prefix: string;
  log: Logger;
}): Promise<LimitStore> {
  const keyPrefix = (name: string) => `${opts.prefix}:limit:${name}`;
  const memory = (s: LimitSpec) =>
    new RateLimiterMemory({ keyPrefix: keyPrefix(s.name), points: s.points, duration: s.durationS });
  if (!opts.redisUrl) return { kind: 'memory', limiter: memory, close: async () => {} };

  const log = opts.log;
  const client = createClient({
    url: opts.redisUrl,
    socket: { reconnectStrategy: (n: number) => Math.min(100 * 2 ** n, 5000) },
    // While disconnected every command fails at once and the insurance limiter answers: queued, a
    // command would wait for Redis to return (the library's own readiness check skips delete).
    disableOfflineQueue: true,
  });
  let lastErrorLog = 0;
  client.on('error', (err: Error) => {
    // A down Redis errors on every retry: log at most every 10 s.
    if (Date.now() - lastErrorLog > 10_000) {
      lastErrorLog = Date.now();
      log.warn({ err: err.message }, 'redis unreachable; sign-in limits count per node');
    }
  });
  const timer = new Promise<'timeout'>((r) => setTimeout(r, CONNECT_WAIT_MS, 'timeout').unref());
  const first = await Promise.race([client.connect().then(() => 'ok' as const), timer]).catch(() => 'failed' as const);
  if (first !== 'ok') log.warn({ first }, 'redis not reachable at start-up; sign-in limits count per node');

  return {
    kind: 'redis',
    limiter: (s) =>
      new RateLimiterRedis({
        storeClient: client,
        useRedisPackage: true,
        // Not ready (down, reconnecting): go to the insurance limiter at once instead of queueing.
        rejectIfRedisNotReady: true,
        keyPrefix: keyPrefix(s.name),
        points: s.points,
        duration: s.durationS,
        insuranceLimiter: memory(s),
      }),
    async close() {
      if (client.isReady) await client.close().catch(() => client.destroy());
      else if (client.isOpen) client.destroy();
    },
  };
}

/**
 * Consumes points and says whether they were within the limit. rate-limiter-flexible rejects
 * with the result when over the limit (the points are counted all the same); other errors rethrow.
 */
export async function take(
  limiter: RateLimiterAbstract,
  key: string,
  points = 1,
): Promise<{ allowed: boolean; res: RateLimiterRes }> {
  try {
    return { allowed: true, res: await limiter.consume(key, points) };
  } catch (err) {
    if (err instanceof RateLimiterRes) return { allowed: false, res: err };
    throw err;
  }
}

/** Whole seconds until a limit lets the next try through (at least 1). */
export const retryAfterS = (res: RateLimiterRes) => Math.max(1, Math.ceil(res.msBeforeNext / 1000));
