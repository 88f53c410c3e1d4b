import express, { Router, type Request, type Response } from 'express';
import { actorOf } from '../auth/authenticator.ts';
import { errors } from '../errors.ts';
import type { HubLocals } from '../auth/http-auth.ts';
import { requirePrincipal } from '../auth/http-auth.ts';
import { IMPORT_CONTENT_TYPES, MAX_IMPORT_BYTES, importQuery, peopleQuery } from '../protocol/schemas.ts';
import { parse } from '../validate.ts';
import { toCsv } from './csv.ts';
import type { RosterService } from './roster.service.ts';
import { readTable, writeXlsx } from './table-file.ts';

type Res = Response<unknown, HubLocals>;

/** The file as the raw body (CSV or .xlsx), at most MAX_IMPORT_BYTES: larger answers payload_too_large. */
const fileBody = express.raw({ type: Object.values(IMPORT_CONTENT_TYPES), limit: MAX_IMPORT_BYTES });

async function uploadedTable(req: Request): Promise<string[][]> {
  if (!Buffer.isBuffer(req.body) || req.body.length === 0)
    throw errors.invalid(`send the file as the body, ${IMPORT_CONTENT_TYPES.csv} or ${IMPORT_CONTENT_TYPES.xlsx}`);
  return readTable(req.body, req.headers['content-type']);
}

/** Sends a table as a CSV (formula cells escaped) or .xlsx download. */
async function sendTable(res: Res, name: string, format: 'csv' | 'xlsx', rows: string[][]): Promise<void> {
  res.setHeader('Content-Disposition', `attachment; filename="${name}.${format}"`);
  if (format === 'csv') {
    res.type('text/csv; charset=utf-8').send(toCsv(rows));
    return;
  }
  res.type(IMPORT_CONTENT_TYPES.xlsx).send(await writeXlsx(name, rows));
}

/** /api/admin/import/{people,units}?apply=0|1 and /api/admin/export/{people,units}.{csv,xlsx}. */
export function rosterRoutes(roster: RosterService) {
  const r = Router();
  r.post('/import/people', fileBody, async (req, res: Res) => {
    const actor = actorOf(requirePrincipal(res));
    const { apply } = parse(importQuery, req.query);
    res.json(await roster.importPeople(actor, await uploadedTable(req), apply === '1'));
  });
  r.post('/import/units', fileBody, async (req, res: Res) => {
    const actor = actorOf(requirePrincipal(res));
    const { apply } = parse(importQuery, req.query);
    res.json(await roster.importUnits(actor, await uploadedTable(req), apply === '1'));
  });
  for (const format of ['csv', 'xlsx'] as const) {
    r.get(`/export/people.${format}`, async (req, res: Res) => {
      const actor = actorOf(requirePrincipal(res));
      const { role, unitId, status } = parse(peopleQuery, req.query);
      await sendTable(res, 'people', format, await roster.exportPeople(actor, { role, unitId, status }));
    });
    r.get(`/export/units.${format}`, async (_req, res: Res) => {
      await sendTable(res, 'units', format, await roster.exportUnits(actorOf(requirePrincipal(res))));
    });
  }
  return r;
}
