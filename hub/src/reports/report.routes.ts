import { Router, type Response } from 'express';
import { z } from 'zod';
import { actorOf } from '../auth/authenticator.ts';
import type { HubLocals } from '../auth/http-auth.ts';
import { requirePrincipal } from '../auth/http-auth.ts';
import {
  reportListQuery,
  reportPostedBody,
  reportRequest,
  reportSettingsBody,
  reportSummariesBody,
} from '../protocol/schemas.ts';
import { REPORT_LANGS } from '../protocol/index.ts';
import { parse } from '../validate.ts';
import type { ReportService } from './report.service.ts';

const idParam = z.string().min(1).max(64);
const langQuery = z.object({ lang: z.enum(REPORT_LANGS).optional() });
const sourcesQuery = z.object({
  ids: z
    .string()
    .max(2000)
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(idParam).min(1).max(200))
    .optional(),
});

/** REST of briefings and reports (paths in protocol/reports.ts), calling the report service. */
export function reportRoutes(reports: ReportService) {
  const r = Router();
  const actor = (res: Response<unknown, HubLocals>) => actorOf(requirePrincipal(res));
  r.get('/', async (req, res: Response<unknown, HubLocals>) => {
    res.json({ ok: true, reports: await reports.list(actor(res), parse(reportListQuery, req.query)) });
  });
  r.post('/', async (req, res: Response<unknown, HubLocals>) => {
    const out = await reports.request(actor(res), parse(reportRequest, req.body));
    res.status(out.created ? 201 : 200).json({ ok: true, ...out });
  });
  r.get('/due', async (_req, res: Response<unknown, HubLocals>) => {
    res.json({ ok: true, due: await reports.due(actor(res)) });
  });
  r.get('/settings/:unitId', async (req, res: Response<unknown, HubLocals>) => {
    res.json({ ok: true, settings: await reports.settings(actor(res), parse(idParam, req.params.unitId)) });
  });
  r.put('/settings/:unitId', async (req, res: Response<unknown, HubLocals>) => {
    res.json({
      ok: true,
      settings: await reports.setSettings(
        actor(res),
        parse(idParam, req.params.unitId),
        parse(reportSettingsBody, req.body),
      ),
    });
  });
  r.get('/:id', async (req, res: Response<unknown, HubLocals>) => {
    const { lang } = parse(langQuery, req.query);
    res.json({ ok: true, report: await reports.get(actor(res), parse(idParam, req.params.id), lang) });
  });
  r.post('/:id/regenerate', async (req, res: Response<unknown, HubLocals>) => {
    const { lang } = parse(langQuery, req.query);
    res.json({ ok: true, report: await reports.regenerate(actor(res), parse(idParam, req.params.id), lang) });
  });
  r.get('/:id/sources', async (req, res: Response<unknown, HubLocals>) => {
    const q = parse(sourcesQuery, req.query);
    res.json({ ok: true, messages: await reports.sources(actor(res), parse(idParam, req.params.id), q.ids) });
  });
  r.get('/:id/conversations', async (req, res: Response<unknown, HubLocals>) => {
    res.json({ ok: true, conversations: await reports.conversations(actor(res), parse(idParam, req.params.id)) });
  });
  r.put('/:id/summaries', async (req, res: Response<unknown, HubLocals>) => {
    res.json({
      ok: true,
      ...(await reports.storeSummaries(
        actor(res),
        parse(idParam, req.params.id),
        parse(reportSummariesBody, req.body),
      )),
    });
  });
  r.post('/:id/post-claim', async (req, res: Response<unknown, HubLocals>) => {
    res.json({ ok: true, ...(await reports.claimPost(actor(res), parse(idParam, req.params.id))) });
  });
  r.post('/:id/posted', async (req, res: Response<unknown, HubLocals>) => {
    res.json({
      ok: true,
      report: await reports.markPosted(actor(res), parse(idParam, req.params.id), parse(reportPostedBody, req.body)),
    });
  });
  return r;
}
