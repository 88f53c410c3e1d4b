import { Router, type Response } from 'express';
import type { Principal } from '../auth/authenticator.ts';
import { errors } from '../errors.ts';
import type { HubLocals } from '../auth/http-auth.ts';
import { requirePrincipal } from '../auth/http-auth.ts';
import { passwordChangeBody, sessionIdParam, type AccountSessionsResponse } from '../protocol/schemas.ts';
import { parse } from '../validate.ts';
import type { AccountService } from './account.service.ts';

/** The caller's session principal; bots have no password or devices here. */
function sessionOf(res: Response<unknown, HubLocals>): Extract<Principal, { kind: 'session' }> {
  const p = requirePrincipal(res);
  if (p.kind !== 'session') throw errors.forbidden('bots have no account password or sessions');
  return p;
}

/** /api/account: change one's password; list and end one's sessions. */
export function accountRoutes(account: AccountService) {
  const r = Router();
  r.post('/password', async (req, res: Response<unknown, HubLocals>) => {
    const p = sessionOf(res);
    const body = parse(passwordChangeBody, req.body);
    await account.changePassword(p.user.id, p.session.id, body.currentPassword, body.newPassword);
    res.json({ ok: true });
  });
  r.get('/sessions', async (_req, res: Response<unknown, HubLocals>) => {
    const p = sessionOf(res);
    const out: AccountSessionsResponse = { ok: true, sessions: await account.listSessions(p.user.id, p.session.id) };
    res.json(out);
  });
  r.delete('/sessions/:id', async (req, res: Response<unknown, HubLocals>) => {
    const p = sessionOf(res);
    await account.endSession(p.user.id, parse(sessionIdParam, req.params.id));
    res.json({ ok: true });
  });
  return r;
}
