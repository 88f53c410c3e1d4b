import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { errors } from '../errors.ts';
import { retryAfterS, take, type LimitStore } from './limit-store.ts';

/** Wrong passwords in a row on one account from one source (or one trusted device) before it must wait. */
const FREE_FAILURES = 5;
const MAX_BLOCK_S = 15 * 60;
const HOUR_S = 3600;
const DAY_S = 24 * HOUR_S;

/** The numbers behind the limits (config.ts; README lists them). */
export interface LoginLimitSettings {
  /** First wait after FREE_FAILURES misses in a row from one source; doubles each time, at most 15 min. */
  baseBlockS: number;
  /** Failed tries from one source over all accounts: against spraying one password over many. */
  sourcePerHour: number;
  sourcePerDay: number;
  /** Failed tries on one account from all untrusted sources together: bounds a spread-out attack. */
  accountPerHour: number;
}

/** Who is trying: the client's address, and the id of a trusted device when its cookie proved one. */
export interface LoginSource {
  ip: string;
  deviceId?: string | undefined;
}

/** A try taken before the password is checked; settle it once the answer is known. */
export interface LoginTicket {
  /** The password was right: the run of failures is forgiven and the try refunded everywhere. */
  succeeded(): Promise<void>;
}

/**
 * Sign-in limits (OWASP "login throttling"), counted atomically *before* the password is checked,
 * so parallel tries cannot all slip past: each try takes a point from
 * - for untrusted sources only: its address (per hour and per day, across accounts);
 * - its account + source (address, or a trusted device instead): FREE_FAILURES in a row, then a
 *   block that doubles with each further run (30 s, 60 s, … 15 min); a right password forgives;
 * - for untrusted sources only: its account (per hour, across addresses).
 * A device that already signed in to the account skips the address and account buckets, so an
 * attacker elsewhere cannot lock the owner out. A try refused by one bucket is refunded to the
 * buckets before it, so refused tries do not use up the owner's allowance.
 */
export function createLoginLimits(store: LimitStore, s: LoginLimitSettings) {
  // The run window is the longest block: a crash between counting and blocking never locks longer.
  const consecutive = store.limiter({ name: 'login-run', points: FREE_FAILURES, durationS: MAX_BLOCK_S });
  const runs = store.limiter({ name: 'login-runs', points: Number.MAX_SAFE_INTEGER, durationS: DAY_S });
  const sourceHour = store.limiter({ name: 'login-source-hour', points: s.sourcePerHour, durationS: HOUR_S });
  const sourceDay = store.limiter({ name: 'login-source-day', points: s.sourcePerDay, durationS: DAY_S });
  const account = store.limiter({ name: 'login-account', points: s.accountPerHour, durationS: HOUR_S });

  /** Blocks an account + source after a run of failures, longer with each run that day. */
  async function block(key: string): Promise<number> {
    const run = (await runs.penalty(key)).consumedPoints;
    const seconds = Math.min(MAX_BLOCK_S, Math.round(s.baseBlockS * 2 ** (run - 1)));
    await consecutive.block(key, seconds);
    return seconds;
  }

  return {
    /** Takes one try for `login` from `from`; throws rate_limited when a bucket is empty. */
    async begin(login: string, from: LoginSource): Promise<LoginTicket> {
      const name = login.toLowerCase();
      const runKey = from.deviceId ? `${name}|device:${from.deviceId}` : `${name}|ip:${from.ip}`;
      // The address first: once it is used up, its tries create no per-account keys at all.
      const buckets: [RateLimiterAbstract, string][] = from.deviceId
        ? [[consecutive, runKey]]
        : [
            [sourceHour, from.ip],
            [sourceDay, from.ip],
            [consecutive, runKey],
            [account, name],
          ];
      const taken: [RateLimiterAbstract, string][] = [];
      for (const [limiter, key] of buckets) {
        const { allowed, res } = await take(limiter, key);
        if (!allowed) {
          await Promise.all(taken.map(([l, k]) => l.reward(k)));
          // The first try past the free ones sets the block; the ones after it see its time left.
          const crossed = limiter === consecutive && res.consumedPoints === FREE_FAILURES + 1;
          throw errors.rateLimited(crossed ? await block(runKey) : retryAfterS(res));
        }
        taken.push([limiter, key]);
      }
      return {
        async succeeded() {
          const refunds = taken.filter(([l]) => l !== consecutive).map(([l, k]) => l.reward(k));
          await Promise.all([consecutive.delete(runKey), runs.delete(runKey), ...refunds]);
        },
      };
    },
  };
}
export type LoginLimits = ReturnType<typeof createLoginLimits>;
