import { Router } from 'express';
import { retryAfterS, take, type LimitStore } from '../auth/limit-store.ts';
import type { SessionService } from '../auth/session.service.ts';
import { errors } from '../errors.ts';
import { setSessionCookie } from '../http/cookies.ts';
import { setupBody, type SetupResponse, type SetupStatusResponse } from '../protocol/schemas.ts';
import { parse } from '../validate.ts';
import type { SetupService } from './setup.service.ts';

/** GET /api/setup (is set-up needed?) and POST /api/setup (spend the secret, become the first admin, signed in). */
export function setupRoutes(deps: {
  setup: SetupService;
  sessions: SessionService;
  limits: LimitStore;
  secureCookies: boolean;
}) {
  const r = Router();
  // A secret has 160 bits: the limit only keeps a script from hammering the store.
  const perSource = deps.limits.limiter({ name: 'setup-source', points: 20, durationS: 3600 });

  r.get('/', async (_req, res) => {
    const out: SetupStatusResponse = { ok: true, needed: await deps.setup.needed() };
    res.json(out);
  });

  r.post('/', async (req, res) => {
    const { allowed, res: limit } = await take(perSource, req.ip ?? 'unknown');
    if (!allowed) throw errors.rateLimited(retryAfterS(limit));
    const body = parse(setupBody, req.body);
    const id = await deps.setup.complete(body.secret, body, { ip: req.ip });
    const { token, session } = await deps.sessions.create(id, {
      userAgent: req.headers['user-agent'],
      address: req.ip,
    });
    setSessionCookie(res, token, session.expiresAt, deps.secureCookies);
    const out: SetupResponse = { ok: true, user: { id, login: body.login, name: body.name, role: 'admin' } };
    res.status(201).json(out);
  });
  return r;
}
