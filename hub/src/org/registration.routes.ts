import { Router } from 'express';
import { retryAfterS, take, type LimitStore } from '../auth/limit-store.ts';
import { errors } from '../errors.ts';
import { registerBody, type RegisterResponse } from '../protocol/schemas.ts';
import { parse } from '../validate.ts';
import type { RegistrationService } from './registration.service.ts';

const HOUR_S = 3600;

/**
 * Public sign-up for residents: options by station code, then register. The answer is the same
 * for a new and an already registered number (202, no session); the page then signs in with the
 * number and password. Tries are limited per address and per number on every node together, so
 * probing numbers through sign-up (or sign-in after it) stays slow.
 */
export function registrationRoutes(deps: { registration: RegistrationService; limits: LimitStore }) {
  const r = Router();
  // Against scripted account farming and number probing: 5 an hour per address, 3 a day per number.
  const perSource = deps.limits.limiter({ name: 'register-source', points: 5, durationS: HOUR_S });
  const perNumber = deps.limits.limiter({ name: 'register-number', points: 3, durationS: 24 * HOUR_S });

  r.get('/stations/:code', async (req, res) => {
    res.json(await deps.registration.options(String(req.params.code)));
  });

  r.post('/', async (req, res) => {
    const body = parse(registerBody, req.body);
    for (const [limiter, key] of [
      [perSource, req.ip ?? 'unknown'],
      [perNumber, body.phone],
    ] as const) {
      const { allowed, res: limit } = await take(limiter, key);
      if (!allowed) throw errors.rateLimited(retryAfterS(limit));
    }
    await deps.registration.register(body, { ip: req.ip });
    const out: RegisterResponse = { ok: true, status: 'submitted' };
    res.status(202).json(out);
  });
  return r;
}
