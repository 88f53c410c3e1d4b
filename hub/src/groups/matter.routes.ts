import { Router, type Response } from 'express';
import { actorOf } from '../auth/authenticator.ts';
import type { HubLocals } from '../auth/http-auth.ts';
import { requirePrincipal } from '../auth/http-auth.ts';
import type { MatterService } from './matter.service.ts';

/** REST of matters: the read the overview needs (changes go through the socket commands). */
export function matterRoutes(matters: MatterService) {
  const r = Router();
  r.get('/open', async (_req, res: Response<unknown, HubLocals>) => {
    res.json(await matters.openSummary(actorOf(requirePrincipal(res))));
  });
  return r;
}
