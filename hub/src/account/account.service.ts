import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { writeAudit } from '../audit/audit-log.ts';
import { hashPassword, verifyPassword } from '../auth/password.ts';
import type { SessionService } from '../auth/session.service.ts';
import { errors } from '../errors.ts';
import type { AccountSessionView } from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import type { AccountSockets } from '../realtime/account-sockets.ts';
import { assertPasswordAllowed, passwordRefused } from './password-policy.ts';

/**
 * The public id of a session: derived from its id, which (with the secret) makes the cookie, so a
 * session list never shows anything that is part of a token.
 */
export const publicSessionId = (sessionId: string): string =>
  createHash('sha256').update(`fq-session-public\0${sessionId}`).digest('hex').slice(0, 32);

/** Everyone's own account: change the password, see and end their sessions (devices). */
export function createAccountService(deps: {
  db: Kysely<Database>;
  sessions: SessionService;
  sockets: AccountSockets;
  now?: () => number;
}) {
  const { db } = deps;
  const now = deps.now ?? Date.now;

  return {
    /**
     * Changes the caller's password (the current one required). Every other session ends and its
     * sockets close on every node; this session's sockets reconnect, now without the temporary flag.
     */
    async changePassword(userId: string, sessionId: string, current: string, next: string): Promise<void> {
      const user = await db
        .selectFrom('users')
        .select(['login', 'password_hash'])
        .where('id', '=', userId)
        .executeTakeFirstOrThrow();
      if (!(await verifyPassword(user.password_hash, current)))
        throw passwordRefused('currentPassword', 'password_wrong');
      assertPasswordAllowed(next, user.login, 'newPassword');
      if (next === current) throw errors.invalid('the new password equals the current one');
      const hash = await hashPassword(next);
      await db
        .updateTable('users')
        .set({ password_hash: hash, password_change_required: 0, password_expires_at: null, updated_at: now() })
        .where('id', '=', userId)
        .execute();
      const ended = await deps.sessions.invalidateAllForUser(userId, sessionId);
      deps.sockets.endSessions(ended, 'logged_out');
      deps.sockets.reconnect([userId]);
      await writeAudit(db, {
        actorId: userId,
        action: 'account.password_change',
        targetType: 'user',
        targetId: userId,
        detail: { after: { sessionsEnded: ended.length } },
      });
    },

    async listSessions(userId: string, currentSessionId: string): Promise<AccountSessionView[]> {
      const rows = await deps.sessions.listForUser(userId);
      return rows.map((s) => ({
        id: publicSessionId(s.id),
        current: s.id === currentSessionId,
        createdAt: s.created_at,
        lastSeenAt: s.last_verified_at,
        userAgent: s.user_agent,
        address: s.address,
      }));
    },

    /** Ends one of the caller's sessions by its public id; another person's (or an unknown) id is not_found. */
    async endSession(userId: string, publicId: string): Promise<void> {
      const own = await deps.sessions.listForUser(userId);
      const session = own.find((s) => publicSessionId(s.id) === publicId);
      if (!session) throw errors.notFound('session');
      await deps.sessions.invalidate(session.id);
      deps.sockets.endSessions([session.id], 'logged_out');
      await writeAudit(db, {
        actorId: userId,
        action: 'account.session_end',
        targetType: 'session',
        targetId: publicId,
      });
    },
  };
}
export type AccountService = ReturnType<typeof createAccountService>;
