import { Router, type Response } from 'express';
import type { Kysely } from 'kysely';
import { actorOf } from '../auth/authenticator.ts';
import type { HubLocals } from '../auth/http-auth.ts';
import { requirePrincipal } from '../auth/http-auth.ts';
import { unitGroupsWithin } from '../groups/group-overview.ts';
import type { AdminGroupsResponse } from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import { adminScope } from './admin-scope.ts';

/** GET /api/admin/groups: the groups of the caller's administration scope (admins all, a station head their station's). */
export function groupOverviewRoutes(db: Kysely<Database>) {
  const r = Router();
  r.get('/groups', async (_req, res: Response<unknown, HubLocals>) => {
    const scope = await adminScope(db, actorOf(requirePrincipal(res)));
    res.json({ ok: true, groups: await unitGroupsWithin(db, scope.prefix) } satisfies AdminGroupsResponse);
  });
  return r;
}
