import type { Kysely } from 'kysely';

/**
 * login_throttle goes: sign-in limits now count in Redis (shared by every node) or in memory on a
 * single node (auth/login-limits.ts), atomically before the password is checked. Its rows were
 * short-lived counters; nothing of them needs keeping.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('login_throttle').ifExists().execute();
}
