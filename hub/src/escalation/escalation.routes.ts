import { Router, type Response } from 'express';
import { z } from 'zod';
import { actorOf } from '../auth/authenticator.ts';
import type { HubLocals } from '../auth/http-auth.ts';
import { requirePrincipal } from '../auth/http-auth.ts';
import { escalationPolicyPayload } from '../protocol/schemas.ts';
import { parse } from '../validate.ts';
import type { PolicyService } from './policy.service.ts';

const stationId = z.string().min(1).max(64);

/** REST of the escalation ladder: GET / PUT /api/escalation/stations/:id. */
export function escalationRoutes(policies: PolicyService) {
  const r = Router();
  r.get('/stations/:id', async (req, res: Response<unknown, HubLocals>) => {
    const id = parse(stationId, req.params.id);
    res.json({ ok: true, policy: await policies.get(actorOf(requirePrincipal(res)), id) });
  });
  r.put('/stations/:id', async (req, res: Response<unknown, HubLocals>) => {
    const id = parse(stationId, req.params.id);
    const policy = await policies.set(actorOf(requirePrincipal(res)), id, parse(escalationPolicyPayload, req.body));
    res.json({ ok: true, policy });
  });
  return r;
}
