import type { Kysely } from 'kysely';
import { writeAudit } from '../audit/audit-log.ts';
import { errors } from '../errors.ts';
import type { OrgService, UserRow } from '../org/org.service.ts';
import type { Database } from '../store/schema.ts';
import type { LoginThrottle } from './login-throttle.ts';
import { verifyPassword } from './password.ts';
import type { SessionRecord, SessionService } from './session.service.ts';

/** Password log-in and log-out: throttled, audited, and the same answer for unknown accounts and wrong passwords. */
export function createLoginService(deps: {
  db: Kysely<Database>;
  org: OrgService;
  sessions: SessionService;
  throttle: LoginThrottle;
}) {
  return {
    async login(login: string, password: string, meta: { ip?: string | undefined }): Promise<{ user: UserRow; token: string; session: SessionRecord }> {
      const wait = await deps.throttle.waitSeconds(login);
      if (wait > 0) throw errors.rateLimited(wait);
      const user = await deps.org.getUserByLogin(login);
      const ok = await verifyPassword(user?.password_hash ?? null, password);
      if (!user || !ok) {
        await deps.throttle.recordFailure(login);
        await writeAudit(deps.db, { actorId: user?.id ?? null, action: 'auth.login_failed', detail: { ip: meta.ip ?? null } });
        throw errors.invalidCredentials();
      }
      if (user.disabled_at !== null) throw errors.accountDisabled();
      await deps.throttle.clear(login);
      const { token, session } = await deps.sessions.create(user.id);
      await writeAudit(deps.db, { actorId: user.id, action: 'auth.login', targetType: 'session', targetId: session.id });
      return { user, token, session };
    },

    async logout(userId: string, sessionId: string): Promise<void> {
      await deps.sessions.invalidate(sessionId);
      await writeAudit(deps.db, { actorId: userId, action: 'auth.logout', targetType: 'session', targetId: sessionId });
    },
  };
}
export type LoginService = ReturnType<typeof createLoginService>;
