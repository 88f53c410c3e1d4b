import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { hashSecret, randomString, secretMatches, splitToken } from './token.ts';

/** Refresh the stored activity time at most this often (the Lucia guide's activity check interval). */
const ACTIVITY_CHECK_MS = 3600_000;

export interface SessionRecord {
  id: string;
  userId: string;
  createdAt: number;
  lastVerifiedAt: number;
  /** When the session ends if not used again. */
  expiresAt: number;
}

export type SessionCheck = { status: 'valid'; session: SessionRecord } | { status: 'invalid' } | { status: 'expired' };

/** Sessions after the current Lucia guide: token `id.secret`, only SHA-256(secret) stored, sliding idle expiry. */
export function createSessionService(
  db: Kysely<Database>,
  opts: {
    idleMs: number;
    now?: () => number;
    /** Sessions that ended by idling out (found by validation or the sweep): their sockets must close. */
    onExpired?: (sessionIds: string[]) => void;
  },
) {
  const now = opts.now ?? Date.now;
  const expired = (ids: string[]) => {
    if (ids.length) opts.onExpired?.(ids);
  };
  const idleMs = opts.idleMs;
  // The activity check never exceeds the idle period, so short test periods still slide.
  const checkMs = Math.min(ACTIVITY_CHECK_MS, idleMs / 2);

  const toRecord = (row: {
    id: string;
    user_id: string;
    created_at: number;
    last_verified_at: number;
  }): SessionRecord => ({
    id: row.id,
    userId: row.user_id,
    createdAt: row.created_at,
    lastVerifiedAt: row.last_verified_at,
    expiresAt: row.last_verified_at + idleMs,
  });

  return {
    /** Starts a session; the token is returned once and never stored. `device` is what the owner's session list shows. */
    async create(
      userId: string,
      device: { userAgent?: string | undefined; address?: string | undefined } = {},
    ): Promise<{ token: string; session: SessionRecord }> {
      const id = randomString();
      const secret = randomString();
      const t = now();
      const row = { id, user_id: userId, secret_hash: hashSecret(secret), created_at: t, last_verified_at: t };
      await db
        .insertInto('sessions')
        .values({
          ...row,
          user_agent: device.userAgent?.slice(0, 200) ?? null,
          address: device.address?.slice(0, 64) ?? null,
        })
        .execute();
      return { token: `${id}.${secret}`, session: toRecord(row) };
    },

    /** Checks a presented token; slides expiry forward at most once per activity interval. */
    async validate(token: string): Promise<SessionCheck> {
      const parts = splitToken(token);
      if (!parts) return { status: 'invalid' };
      const row = await db.selectFrom('sessions').selectAll().where('id', '=', parts.id).executeTakeFirst();
      if (!row || !secretMatches(parts.secret, row.secret_hash)) return { status: 'invalid' };
      const t = now();
      if (t - row.last_verified_at >= idleMs) {
        await db.deleteFrom('sessions').where('id', '=', row.id).execute();
        expired([row.id]);
        return { status: 'expired' };
      }
      if (t - row.last_verified_at >= checkMs) {
        row.last_verified_at = t;
        await db.updateTable('sessions').set({ last_verified_at: t }).where('id', '=', row.id).execute();
      }
      return { status: 'valid', session: toRecord(row) };
    },

    /**
     * Counts an open socket as activity: a dispatcher who works all shift over the socket alone
     * keeps their session. Writes only sessions not refreshed within the activity interval, and
     * never one already past its expiry: an ended session stays ended.
     */
    async touch(sessionIds: string[]): Promise<void> {
      if (sessionIds.length === 0) return;
      const t = now();
      await db
        .updateTable('sessions')
        .set({ last_verified_at: t })
        .where('id', 'in', sessionIds)
        .where('last_verified_at', '<=', t - checkMs)
        .where('last_verified_at', '>', t - idleMs)
        .execute();
    },

    /** Which of these sessions still exist and have not idled out (the rest ended under open sockets). */
    async liveAmong(sessionIds: string[]): Promise<Set<string>> {
      if (sessionIds.length === 0) return new Set();
      const rows = await db
        .selectFrom('sessions')
        .select('id')
        .where('id', 'in', sessionIds)
        .where('last_verified_at', '>', now() - idleMs)
        .execute();
      return new Set(rows.map((r) => r.id));
    },

    async invalidate(sessionId: string): Promise<void> {
      await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
    },

    /** Ends every session of a person (disabled account), or all but one (password changed); returns the ended ids. */
    async invalidateAllForUser(userId: string, except?: string): Promise<string[]> {
      let q = db.deleteFrom('sessions').where('user_id', '=', userId);
      if (except) q = q.where('id', '!=', except);
      return (await q.returning('id').execute()).map((r) => r.id);
    },

    /** A person's live sessions, newest first: what their device list shows. */
    async listForUser(userId: string) {
      return db
        .selectFrom('sessions')
        .select(['id', 'created_at', 'last_verified_at', 'user_agent', 'address'])
        .where('user_id', '=', userId)
        .where('last_verified_at', '>', now() - idleMs)
        .orderBy('created_at', 'desc')
        .execute();
    },

    /**
     * Deletes sessions idle past their expiry (run periodically on every node; validation also
     * removes them lazily). Each row is deleted, and so reported to onExpired, by one node only.
     */
    async sweepExpired(): Promise<number> {
      const rows = await db
        .deleteFrom('sessions')
        .where('last_verified_at', '<=', now() - idleMs)
        .returning('id')
        .execute();
      expired(rows.map((r) => r.id));
      return rows.length;
    },
  };
}
export type SessionService = ReturnType<typeof createSessionService>;
