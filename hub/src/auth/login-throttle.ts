import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';

/** Wrong tries in a row before each further try must wait. */
export const FREE_FAILURES = 5;
const MAX_DELAY_S = 15 * 60;

/**
 * Slows password guessing per account: after five wrong tries in a row, each further try waits
 * `baseDelayS · 2^(n-5)` seconds (capped at 15 min). Kept in the store so every hub node agrees.
 */
export function createLoginThrottle(db: Kysely<Database>, opts: { baseDelayS: number; now?: () => number }) {
  const now = opts.now ?? Date.now;
  const keyOf = (login: string) => `login:${login.toLowerCase()}`;
  const delayS = (failures: number) => Math.min(MAX_DELAY_S, opts.baseDelayS * 2 ** (failures - FREE_FAILURES));

  return {
    /** Seconds the caller must still wait, or 0 when a try is allowed now. */
    async waitSeconds(login: string): Promise<number> {
      const row = await db.selectFrom('login_throttle').selectAll().where('key', '=', keyOf(login)).executeTakeFirst();
      if (!row || row.failures < FREE_FAILURES) return 0;
      const readyAt = row.last_failure_at + delayS(row.failures) * 1000;
      return Math.max(0, Math.ceil((readyAt - now()) / 1000));
    },

    async recordFailure(login: string): Promise<void> {
      const key = keyOf(login);
      const t = now();
      await db
        .insertInto('login_throttle')
        .values({ key, failures: 1, last_failure_at: t })
        .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ failures: eb('login_throttle.failures', '+', 1), last_failure_at: t })))
        .execute();
    },

    async clear(login: string): Promise<void> {
      await db.deleteFrom('login_throttle').where('key', '=', keyOf(login)).execute();
    },
  };
}
export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
