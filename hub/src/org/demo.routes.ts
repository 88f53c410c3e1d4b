import { Router } from 'express';
import type { Kysely } from 'kysely';
import { errors } from '../errors.ts';
import type { Role } from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import { DEMO_PASSWORD } from './demo-seed.ts';

/** The roles the log-in page offers a demo account for, in this order. */
const SHOWN_ROLES: Role[] = ['dispatcher', 'station_head', 'officer', 'auxiliary', 'grid_worker', 'resident', 'admin'];

/** Demo accounts of the first station, one per role, for the log-in page of a demo hub. */
export async function listDemoAccounts(db: Kysely<Database>) {
  const station = await db
    .selectFrom('units')
    .select(['id', 'path'])
    .where('kind', '=', 'station')
    .orderBy('sort')
    .executeTakeFirst();
  if (!station) return [];
  const rows = await db
    .selectFrom('users')
    .innerJoin('units', 'units.id', 'users.unit_id')
    .select(['users.login', 'users.name', 'users.role', 'units.name as unitName'])
    .where((eb) => eb.or([eb('units.path', 'like', `${station.path}%`), eb('users.role', '=', 'admin')]))
    .where('users.disabled_at', 'is', null)
    .orderBy('users.id')
    .execute();
  return SHOWN_ROLES.flatMap((role) => rows.filter((r) => r.role === role).slice(0, 1));
}

/** GET /api/demo/accounts: present only when the hub runs with demo data. */
export function demoRoutes(db: Kysely<Database>, enabled: boolean) {
  const r = Router();
  r.get('/accounts', async (_req, res) => {
    if (!enabled) throw errors.notFound('demo data');
    res.json({ ok: true, password: DEMO_PASSWORD, accounts: await listDemoAccounts(db) });
  });
  return r;
}
