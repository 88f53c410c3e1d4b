import type { ExtendedError } from 'socket.io';
import type { Authenticator, Principal } from '../auth/authenticator.ts';
import { toHubError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { SESSION_COOKIE } from '../protocol/index.ts';
import { readCookie } from '../http/cookies.ts';
import { checkOrigin } from '../http/origin.ts';
import type { LoadedPrincipal, PrincipalCache } from './principal-cache.ts';
import { sharedString } from './shared-strings.ts';
import type { HubSocket, SocketPrincipal } from './types.ts';

/** A refused handshake: the client's `connect_error` carries `{ code, message }` in `err.data`. */
function refusal(code: string, message: string): ExtendedError {
  const err = new Error(message) as ExtendedError;
  err.data = { code, message };
  return err;
}

/** What a socket keeps of an authenticated principal: ids and the few facts its commands read. */
export function socketPrincipalOf(p: Principal): SocketPrincipal {
  const u = p.user;
  const user = {
    id: u.id,
    name: u.name,
    role: sharedString(u.role) as typeof u.role,
    unit_id: sharedString(u.unit_id),
    password_change_required: u.password_change_required,
  };
  return p.kind === 'session'
    ? { kind: 'session', user, sessionId: p.session.id }
    : { kind: 'bot', user, tokenId: p.tokenId };
}

/** The store's answer for a token, in the shape the principal cache keeps. */
async function loadPrincipal(auth: Authenticator, token: string): Promise<LoadedPrincipal> {
  const p = await auth.authenticate(token);
  return { principal: socketPrincipalOf(p), expiresAt: p.kind === 'session' ? p.session.expiresAt : undefined };
}

/**
 * Authenticates every socket before it connects: a browser by its session cookie from its own
 * origin, a bot or script by `auth.token`. A cross-origin handshake is refused even with a valid
 * cookie, because WebSockets ignore CORS; a handshake without Origin never rides on a cookie. A
 * session seen lately on this node is answered from the principal cache (a reconnect storm's reads).
 */
export function handshakeMiddleware(deps: {
  auth: Authenticator;
  principals: PrincipalCache;
  publicOrigin: string | undefined;
  log: Logger;
}) {
  return async (socket: HubSocket, next: (err?: ExtendedError) => void) => {
    const headers = socket.handshake.headers;
    const origin = checkOrigin({ headers, secure: socket.handshake.secure }, deps.publicOrigin);
    if (origin === 'foreign') return next(refusal('origin_rejected', 'handshake from a foreign origin refused'));
    const authToken: unknown = socket.handshake.auth?.token;
    const token =
      typeof authToken === 'string' && authToken.length > 0
        ? authToken
        : origin === 'same'
          ? readCookie(headers.cookie, SESSION_COOKIE)
          : undefined;
    if (!token) return next(refusal('unauthenticated', 'no credentials: sign in, or pass auth.token'));
    try {
      socket.data.principal = await deps.principals.resolve(token, () => loadPrincipal(deps.auth, token));
      next();
    } catch (err) {
      const e = toHubError(err);
      if (e.code === 'internal') deps.log.error({ err: e.cause }, 'handshake failed');
      next(refusal(e.code, e.message));
    }
  };
}
