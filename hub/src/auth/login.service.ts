import type { Kysely } from 'kysely';
import { writeAudit } from '../audit/audit-log.ts';
import { errors } from '../errors.ts';
import type { Database } from '../store/schema.ts';
import { issueDeviceToken, trustedDeviceId } from './device-trust.ts';
import type { LoginLimits } from './login-limits.ts';
import { verifyPassword } from './password.ts';
import type { PersonDirectory, UserRow } from './people.ts';
import type { SessionRecord, SessionService } from './session.service.ts';

/** Where a log-in comes from: the client's address and the trusted-device cookie it carried. */
export interface LoginMeta {
  ip?: string | undefined;
  deviceToken?: string | undefined;
  /** The browser's User-Agent, kept with the session for the owner's device list. */
  userAgent?: string | undefined;
}

/** Password log-in and log-out: limited, audited, and the same answer for unknown accounts and wrong passwords. */
export function createLoginService(deps: {
  db: Kysely<Database>;
  org: PersonDirectory;
  sessions: SessionService;
  limits: LoginLimits;
}) {
  return {
    /** Signs in; also returns a trusted-device token for this account to keep on the device. */
    async login(
      login: string,
      password: string,
      meta: LoginMeta,
    ): Promise<{ user: UserRow; token: string; session: SessionRecord; deviceToken: string | undefined }> {
      const ip = meta.ip ?? 'unknown';
      const user = await deps.org.getUserByLogin(login);
      const deviceId = trustedDeviceId(meta.deviceToken, user);
      // Counted before the password is checked, atomically: parallel tries cannot all get through.
      const ticket = await deps.limits.begin(login, { ip, deviceId });
      const ok = await verifyPassword(user?.password_hash ?? null, password);
      if (!user || !ok) {
        const detail = { ip, trustedDevice: deviceId !== undefined };
        await writeAudit(deps.db, { actorId: user?.id ?? null, action: 'auth.login_failed', detail });
        throw errors.invalidCredentials();
      }
      await ticket.succeeded();
      if (user.disabled_at !== null) throw errors.accountDisabled();
      // A temporary password not changed in time stops working; an administrator issues a new one.
      if (user.password_expires_at !== null && user.password_expires_at <= Date.now()) {
        await writeAudit(deps.db, { actorId: user.id, action: 'auth.password_expired' });
        throw errors.passwordExpired();
      }
      const { token, session } = await deps.sessions.create(user.id, { userAgent: meta.userAgent, address: ip });
      await writeAudit(deps.db, {
        actorId: user.id,
        action: 'auth.login',
        targetType: 'session',
        targetId: session.id,
      });
      return { user, token, session, deviceToken: issueDeviceToken(user, deviceId) };
    },

    async logout(userId: string, sessionId: string): Promise<void> {
      await deps.sessions.invalidate(sessionId);
      await writeAudit(deps.db, { actorId: userId, action: 'auth.logout', targetType: 'session', targetId: sessionId });
    },
  };
}
export type LoginService = ReturnType<typeof createLoginService>;
