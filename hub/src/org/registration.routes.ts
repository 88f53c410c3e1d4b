import { Router } from 'express';
import type { LoginService } from '../auth/login.service.ts';
import { errors } from '../errors.ts';
import { setSessionCookie } from '../http/cookies.ts';
import type { OrgService } from './org.service.ts';
import { registerBody, type LoginResponse } from '../protocol/index.ts';
import { createRateLimiter } from '../rate-limiter.ts';
import { parse } from '../validate.ts';
import type { RegistrationService } from './registration.service.ts';

/** Public sign-up for residents: options by station code, then register and sign in at once. */
export function registrationRoutes(deps: { registration: RegistrationService; login: LoginService; org: OrgService; secureCookies: boolean }) {
  const r = Router();
  // Sign-ups per address: a burst of 5, then one every 10 minutes, against scripted account farming.
  const perIp = createRateLimiter({ capacity: 5, perSecond: 1 / 600 });

  r.get('/stations/:code', async (req, res) => {
    res.json(await deps.registration.options(String(req.params.code)));
  });

  r.post('/', async (req, res) => {
    const body = parse(registerBody, req.body);
    const wait = perIp.take(req.ip ?? 'unknown');
    if (wait > 0) throw errors.rateLimited(wait);
    await deps.registration.register(body, { ip: req.ip });
    const { user, token, session } = await deps.login.login(body.phone, body.password, { ip: req.ip });
    setSessionCookie(res, token, session.expiresAt, deps.secureCookies);
    const out: LoginResponse = { ok: true, me: await deps.org.meView(user), session: { expiresAt: session.expiresAt } };
    res.status(201).json(out);
  });
  return r;
}
