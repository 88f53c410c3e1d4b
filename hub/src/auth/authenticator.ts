import { errors } from '../errors.ts';
import type { Person, PersonDirectory } from './people.ts';
import type { BotTokenService } from './bot-token.service.ts';
import { BOT_TOKEN_PREFIX } from './bot-token.service.ts';
import type { Actor } from './permissions.ts';
import type { SessionRecord, SessionService } from './session.service.ts';

/** Who a request or socket belongs to, and through which credential. */
export type Principal =
  { kind: 'session'; user: Person; session: SessionRecord } | { kind: 'bot'; user: Person; tokenId: string };

/** The principal's part that permissions read (a request's whole principal, or a socket's slim one). */
export const actorOf = (p: { user: Pick<Person, 'id' | 'role' | 'unit_id'> }): Actor => ({
  id: p.user.id,
  role: p.user.role,
  unitId: p.user.unit_id,
});

/**
 * Turns a presented token (session `id.secret` or bot `fqb_id.secret`) into a principal, or throws
 * unauthenticated / session_expired / account_disabled. HTTP and the socket handshake both use it.
 */
export function createAuthenticator(deps: {
  sessions: SessionService;
  botTokens: BotTokenService;
  org: PersonDirectory;
}) {
  // Without the password hash: principals live on sockets, whose data crosses Redis in fetchSockets().
  async function activeUser(userId: string): Promise<Person> {
    const user = await deps.org.getPerson(userId);
    if (!user) throw errors.unauthenticated();
    if (user.disabled_at !== null) throw errors.accountDisabled();
    return user;
  }

  return {
    async authenticate(token: string): Promise<Principal> {
      if (token.startsWith(BOT_TOKEN_PREFIX)) {
        const bot = await deps.botTokens.validate(token);
        if (!bot) throw errors.unauthenticated('invalid bot token');
        return { kind: 'bot', user: await activeUser(bot.userId), tokenId: bot.tokenId };
      }
      const check = await deps.sessions.validate(token);
      if (check.status === 'expired') throw errors.sessionExpired();
      if (check.status === 'invalid') throw errors.unauthenticated('invalid session');
      return { kind: 'session', user: await activeUser(check.session.userId), session: check.session };
    },
  };
}
export type Authenticator = ReturnType<typeof createAuthenticator>;

/** True while the principal signed in with a temporary password that is still to be changed. */
export const mustChangePassword = (
  p: { kind: Principal['kind']; user: Pick<Person, 'password_change_required'> } | undefined,
): boolean => p?.kind === 'session' && p.user.password_change_required === 1;
