import { Router, type Response } from 'express';
import { actorOf } from '../auth/authenticator.ts';
import { can } from '../auth/permissions.ts';
import { errors } from '../errors.ts';
import type { HubLocals } from '../auth/http-auth.ts';
import { requirePrincipal } from '../auth/http-auth.ts';
import type { DutyService } from './duty.service.ts';
import { dispatchScope } from './dispatch-scope.ts';
import { activePeople, unitsWithin } from './org-queries.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';

/** GET /api/org/scope: the unit tree and people a dispatcher may send orders to, with duty and online status. */
export function orgRoutes(deps: {
  db: Kysely<Database>;
  duty: DutyService;
  onlineAmong: (ids: string[]) => Promise<string[]>;
}) {
  const r = Router();
  r.get('/scope', async (_req, res: Response<unknown, HubLocals>) => {
    const actor = actorOf(requirePrincipal(res));
    if (!can.issueOrders(actor)) throw errors.forbidden('only the command room sees the dispatch tree');
    const scope = await dispatchScope(deps.db, actor.unitId);
    if (!scope) throw errors.forbidden('you have no command scope');
    const units = await unitsWithin(deps.db, scope.path, undefined, { activeOnly: true });
    const people = await activePeople(deps.db, {
      roles: ['station_head', 'dispatcher', 'officer', 'auxiliary', 'grid_worker'],
      within: scope.path,
    });
    const ids = people.map((p) => p.id);
    const [onDuty, online] = await Promise.all([deps.duty.onDutyAmong(ids), deps.onlineAmong(ids)]);
    const dutySet = new Set(onDuty);
    const onlineSet = new Set(online);
    res.json({
      ok: true,
      scopeId: scope.id,
      units: units.map((u) => ({ id: u.id, parentId: u.parent_id, kind: u.kind, name: u.name, code: u.code })),
      people: people.map((p) => ({
        id: p.id,
        name: p.name,
        role: p.role,
        rank: p.rank,
        unitId: p.unit_id,
        onDuty: dutySet.has(p.id),
        online: onlineSet.has(p.id),
      })),
    });
  });
  return r;
}
