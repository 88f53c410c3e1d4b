import { Router, type NextFunction, type Request, type Response } from 'express';
import { actorOf } from '../auth/authenticator.ts';
import { retryAfterS, take, type LimitStore } from '../auth/limit-store.ts';
import { can } from '../auth/permissions.ts';
import { errors } from '../errors.ts';
import type { HubLocals } from '../auth/http-auth.ts';
import { requirePrincipal } from '../auth/http-auth.ts';
import {
  adminIdParam,
  peopleQuery,
  personCreateBody,
  personPatchBody,
  residentMoveBody,
  residentRejectBody,
  residentsQuery,
  unitCreateBody,
  unitPatchBody,
  type AdminPeopleResponse,
  type AdminPersonCreatedResponse,
  type AdminPersonResponse,
  type AdminResidentResponse,
  type AdminResidentsResponse,
  type AdminUnitResponse,
  type AdminUnitsResponse,
} from '../protocol/schemas.ts';
import { parse } from '../validate.ts';
import type { PeopleAdminService } from './people-admin.service.ts';
import type { ResidentAdminService } from './resident-admin.service.ts';
import type { UnitAdminService } from './unit-admin.service.ts';

type Res = Response<unknown, HubLocals>;
const actor = (res: Res) => actorOf(requirePrincipal(res));
const idOf = (req: Request) => parse(adminIdParam, req.params.id);

/**
 * Administration writes are bounded per person on every node (600 in ten minutes: a busy
 * afternoon of edits, not a script's loop); reads are not counted.
 */
export function adminWriteLimit(limits: LimitStore) {
  const perActor = limits.limiter({ name: 'admin-writes', points: 600, durationS: 600 });
  return async (req: Request, res: Res, next: NextFunction) => {
    if (req.method === 'GET') return next();
    const p = res.locals.principal;
    if (!p || !can.administerOrg(actorOf(p))) return next();
    const { allowed, res: limit } = await take(perActor, p.user.id);
    if (!allowed) return next(errors.rateLimited(retryAfterS(limit)));
    next();
  };
}

/** /api/admin/units, /people, /residents: thin handlers, validate → service (which authorises). */
export function orgAdminRoutes(deps: {
  units: UnitAdminService;
  people: PeopleAdminService;
  residents: ResidentAdminService;
}) {
  const r = Router();

  r.get('/units', async (_req, res: Res) => {
    const out: AdminUnitsResponse = { ok: true, units: await deps.units.list(actor(res)) };
    res.json(out);
  });
  r.post('/units', async (req, res: Res) => {
    const out: AdminUnitResponse = {
      ok: true,
      unit: await deps.units.create(actor(res), parse(unitCreateBody, req.body)),
    };
    res.status(201).json(out);
  });
  r.patch('/units/:id', async (req, res: Res) => {
    const unit = await deps.units.patch(actor(res), idOf(req), parse(unitPatchBody, req.body));
    res.json({ ok: true, unit } satisfies AdminUnitResponse);
  });
  r.post('/units/:id/retire', async (req, res: Res) => {
    res.json({ ok: true, unit: await deps.units.retire(actor(res), idOf(req)) } satisfies AdminUnitResponse);
  });

  r.get('/people', async (req, res: Res) => {
    const page = await deps.people.list(actor(res), parse(peopleQuery, req.query));
    res.json({ ok: true, ...page } satisfies AdminPeopleResponse);
  });
  r.post('/people', async (req, res: Res) => {
    const created = await deps.people.create(actor(res), parse(personCreateBody, req.body));
    res.status(201).json({ ok: true, ...created } satisfies AdminPersonCreatedResponse);
  });
  r.patch('/people/:id', async (req, res: Res) => {
    const person = await deps.people.patch(actor(res), idOf(req), parse(personPatchBody, req.body));
    res.json({ ok: true, person } satisfies AdminPersonResponse);
  });
  for (const [path, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    r.post(`/people/:id/${path}`, async (req, res: Res) => {
      const person = await deps.people.setDisabled(actor(res), idOf(req), disabled);
      res.json({ ok: true, person } satisfies AdminPersonResponse);
    });
  }
  r.post('/people/:id/reset-password', async (req, res: Res) => {
    res.json({ ok: true, ...(await deps.people.resetPassword(actor(res), idOf(req))) });
  });

  r.get('/residents', async (req, res: Res) => {
    const page = await deps.residents.list(actor(res), parse(residentsQuery, req.query));
    res.json({ ok: true, ...page } satisfies AdminResidentsResponse);
  });
  r.post('/residents/:id/approve', async (req, res: Res) => {
    res.json({
      ok: true,
      resident: await deps.residents.approve(actor(res), idOf(req)),
    } satisfies AdminResidentResponse);
  });
  r.post('/residents/:id/reject', async (req, res: Res) => {
    const { reason } = parse(residentRejectBody, req.body);
    const resident = await deps.residents.reject(actor(res), idOf(req), reason);
    res.json({ ok: true, resident } satisfies AdminResidentResponse);
  });
  r.post('/residents/:id/move', async (req, res: Res) => {
    const { gridId } = parse(residentMoveBody, req.body);
    const resident = await deps.residents.move(actor(res), idOf(req), gridId);
    res.json({ ok: true, resident } satisfies AdminResidentResponse);
  });
  r.delete('/residents/:id', async (req, res: Res) => {
    await deps.residents.remove(actor(res), idOf(req));
    res.json({ ok: true });
  });
  return r;
}
