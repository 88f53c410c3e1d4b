import { Router, type Response } from 'express';
import { actorOf } from '../auth/authenticator.ts';
import type { HubLocals } from '../auth/http-auth.ts';
import { requirePrincipal } from '../auth/http-auth.ts';
import { createIncidentBody, incidentStatusBody } from '../protocol/schemas.ts';
import { parse } from '../validate.ts';
import type { IncidentService } from './incident.service.ts';

/** REST of the incident register: validate → service → present. */
export function incidentRoutes(incidents: IncidentService) {
  const r = Router();
  r.get('/', async (_req, res: Response<unknown, HubLocals>) => {
    res.json({ ok: true, incidents: await incidents.list(actorOf(requirePrincipal(res))) });
  });
  r.post('/', async (req, res: Response<unknown, HubLocals>) => {
    const actor = actorOf(requirePrincipal(res));
    res.status(201).json({ ok: true, incident: await incidents.create(actor, parse(createIncidentBody, req.body)) });
  });
  r.patch('/:id', async (req, res: Response<unknown, HubLocals>) => {
    const actor = actorOf(requirePrincipal(res));
    const body = parse(incidentStatusBody, req.body);
    res.json({ ok: true, incident: await incidents.setStatus(actor, String(req.params.id), body.status) });
  });
  return r;
}
