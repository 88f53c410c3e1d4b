import { Router, type Response } from 'express';
import type { Kysely } from 'kysely';
import { AUDIT_EXPORT_LIMIT, queryAudit } from '../audit/audit-query.ts';
import { actorOf } from '../auth/authenticator.ts';
import { can } from '../auth/permissions.ts';
import { errors } from '../errors.ts';
import type { HubLocals } from '../auth/http-auth.ts';
import { requirePrincipal } from '../auth/http-auth.ts';
import { auditQuery, type AuditResponse } from '../protocol/schemas.ts';
import type { Database } from '../store/schema.ts';
import { parse } from '../validate.ts';
import { toCsv } from './csv.ts';

type Res = Response<unknown, HubLocals>;

function assertReader(res: Res): void {
  if (!can.readAudit(actorOf(requirePrincipal(res)))) throw errors.forbidden('only an admin reads the audit log');
}

/** GET /api/admin/audit (a page, newest first) and /api/admin/audit.csv (the same filters, as a file). */
export function auditRoutes(db: Kysely<Database>) {
  const r = Router();
  r.get('/audit', async (req, res: Res) => {
    assertReader(res);
    const page = await queryAudit(db, parse(auditQuery, req.query));
    res.json({ ok: true, ...page } satisfies AuditResponse);
  });
  r.get('/audit.csv', async (req, res: Res) => {
    assertReader(res);
    const { entries } = await queryAudit(
      db,
      { ...parse(auditQuery, req.query), cursor: undefined },
      AUDIT_EXPORT_LIMIT,
    );
    const json = (v: unknown) => (v === null ? '' : JSON.stringify(v));
    const rows = [
      ['time', 'actor', 'actor id', 'action', 'target type', 'target id', 'before', 'after'],
      ...entries.map((e) => [
        new Date(e.at).toISOString(),
        e.actorName ?? '',
        e.actorId ?? '',
        e.action,
        e.targetType ?? '',
        e.targetId ?? '',
        json(e.before),
        json(e.after),
      ]),
    ];
    res.setHeader('Content-Disposition', 'attachment; filename="audit.csv"');
    res.type('text/csv; charset=utf-8').send(toCsv(rows));
  });
  return r;
}
