import { Router, type Response } from 'express';
import { loginBody, type LoginResponse, type MeResponse } from '../protocol/schemas.ts';
import type { HubLocals } from './http-auth.ts';
import { requirePrincipal } from './http-auth.ts';
import { clearSessionCookie, DEVICE_COOKIE, readCookie, setDeviceCookie, setSessionCookie } from '../http/cookies.ts';
import { parse } from '../validate.ts';
import { errors } from '../errors.ts';
import type { LoginService } from './login.service.ts';
import type { PersonDirectory } from './people.ts';

/** Log-in, log-out and "who am I". Log-out also closes that session's sockets on every node. */
export function authRoutes(deps: {
  login: LoginService;
  org: PersonDirectory;
  secureCookies: boolean;
  revokeSession: (sessionId: string) => void;
}) {
  const r = Router();

  r.post('/login', async (req, res) => {
    const body = parse(loginBody, req.body);
    const deviceToken = readCookie(req.headers.cookie, DEVICE_COOKIE);
    const userAgent = req.headers['user-agent'];
    const signedIn = await deps.login.login(body.login, body.password, { ip: req.ip, deviceToken, userAgent });
    const { user, session } = signedIn;
    setSessionCookie(res, signedIn.token, session.expiresAt, deps.secureCookies);
    if (signedIn.deviceToken) setDeviceCookie(res, signedIn.deviceToken, deps.secureCookies);
    const out: LoginResponse = { ok: true, me: await deps.org.meView(user), session: { expiresAt: session.expiresAt } };
    res.json(out);
  });

  r.post('/logout', async (_req, res: Response<unknown, HubLocals>) => {
    const p = requirePrincipal(res);
    if (p.kind !== 'session') throw errors.forbidden('bot tokens are revoked by an admin, not logged out');
    await deps.login.logout(p.user.id, p.session.id);
    deps.revokeSession(p.session.id);
    clearSessionCookie(res, deps.secureCookies);
    res.json({ ok: true });
  });

  r.get('/me', async (_req, res: Response<unknown, HubLocals>) => {
    const p = requirePrincipal(res);
    const expiresAt = p.kind === 'session' ? p.session.expiresAt : Number.MAX_SAFE_INTEGER;
    const out: MeResponse = { ok: true, me: await deps.org.meView(p.user), session: { expiresAt } };
    res.json(out);
  });

  return r;
}
