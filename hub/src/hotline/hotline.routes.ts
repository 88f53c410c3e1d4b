import { Router, type Response } from 'express';
import { z } from 'zod';
import { actorOf } from '../auth/authenticator.ts';
import { can } from '../auth/permissions.ts';
import { errors } from '../errors.ts';
import type { HubLocals } from '../auth/http-auth.ts';
import { requirePrincipal } from '../auth/http-auth.ts';
import {
  hotlineCreatePayload,
  hotlineFiguresQuery,
  hotlineHistoryPayload,
  hotlineInboxPayload,
  hotlineNotePayload,
  hotlineRatePayload,
  hotlineSendPayload,
} from '../protocol/schemas.ts';
import { parse } from '../validate.ts';
import type { HotlineService } from './hotline.service.ts';

const int = z.coerce.number().int();
const inboxQuery = hotlineInboxPayload.extend({ limit: int.min(1).max(200).default(50) });
const historyQuery = hotlineHistoryPayload
  .omit({ threadId: true })
  .extend({ beforeSeq: int.positive().optional(), limit: int.min(1).max(200).optional() });

/** REST of the hotline (see protocol/hotline.ts for the paths), calling the same service as the socket handlers. */
export function hotlineRoutes(hotline: HotlineService) {
  const r = Router();
  const actor = (res: Response<unknown, HubLocals>) => actorOf(requirePrincipal(res));

  // Public: the landing of a station's link or QR code, before anyone signs up.
  r.get('/stations/:code', async (req, res) => {
    res.json(await hotline.stationInfo(String(req.params.code)));
  });
  r.get('/threads', async (req, res: Response<unknown, HubLocals>) => {
    const a = actor(res);
    if (a.role === 'resident') {
      res.json({ ok: true, threads: await hotline.mine(a) });
      return;
    }
    const threads = await hotline.inbox(a, parse(inboxQuery, req.query));
    res.json({ ok: true, threads, deskStationIds: await hotline.deskStations(a) });
  });
  r.post('/threads', async (req, res: Response<unknown, HubLocals>) => {
    const out = await hotline.create(actor(res), parse(hotlineCreatePayload, req.body));
    res.status(out.duplicate ? 200 : 201).json({ ok: true, ...out });
  });
  r.get('/threads/:id', async (req, res: Response<unknown, HubLocals>) => {
    res.json({ ok: true, thread: await hotline.thread(actor(res), String(req.params.id)) });
  });
  r.get('/threads/:id/messages', async (req, res: Response<unknown, HubLocals>) => {
    const q = parse(historyQuery, req.query);
    res.json({ ok: true, messages: await hotline.history(actor(res), String(req.params.id), q.beforeSeq, q.limit) });
  });
  r.post('/threads/:id/messages', async (req, res: Response<unknown, HubLocals>) => {
    const body = parse(hotlineSendPayload, {
      ...(typeof req.body === 'object' ? req.body : {}),
      threadId: String(req.params.id),
    });
    const out = await hotline.send(actor(res), body);
    res.status(out.duplicate ? 200 : 201).json({ ok: true, ...out });
  });
  r.post('/threads/:id/rating', async (req, res: Response<unknown, HubLocals>) => {
    const body = parse(hotlineRatePayload, {
      ...(typeof req.body === 'object' ? req.body : {}),
      threadId: String(req.params.id),
    });
    res.json({ ok: true, thread: await hotline.rate(actor(res), body) });
  });
  r.get('/threads/:id/notes', async (req, res: Response<unknown, HubLocals>) => {
    res.json({ ok: true, notes: await hotline.notes(actor(res), String(req.params.id)) });
  });
  r.post('/threads/:id/notes', async (req, res: Response<unknown, HubLocals>) => {
    const body = parse(hotlineNotePayload, {
      ...(typeof req.body === 'object' ? req.body : {}),
      threadId: String(req.params.id),
    });
    const out = await hotline.note(actor(res), body);
    res.status(out.duplicate ? 200 : 201).json({ ok: true, ...out });
  });
  r.get('/figures', async (req, res: Response<unknown, HubLocals>) => {
    const a = actor(res);
    if (!can.readHotlineFigures(a.role))
      throw errors.forbidden('hotline figures are for station heads, the command room and report bots');
    const q = parse(hotlineFiguresQuery, req.query);
    if (q.to <= q.from) throw errors.invalid('the period must end after it starts');
    if (a.role === 'station_head') {
      const own = await hotline.handledStations(a);
      if (q.stationIds.some((s) => !own.includes(s)))
        throw errors.forbidden('a station head reads the figures of their own station');
    }
    res.json({ ok: true, figures: await hotline.requestedFigures(q.stationIds, q.from, q.to) });
  });
  return r;
}
