import { Router, type Response } from 'express';
import { z } from 'zod';
import { actorOf } from '../auth/authenticator.ts';
import type { HubLocals } from '../auth/http-auth.ts';
import { requirePrincipal } from '../auth/http-auth.ts';
import { createOrderPayload } from '../protocol/schemas.ts';
import { parse } from '../validate.ts';
import type { OrderService } from './order.service.ts';

const issuedQuery = z.object({ state: z.enum(['active', 'finished']).optional() });
const acknowledgeBody = z.object({ clientId: z.string().min(8).max(64) });
const orderIdParam = z.string().min(1).max(64);

/** REST of command orders, calling the same service as the socket handlers. */
export function orderRoutes(orders: OrderService) {
  const r = Router();
  r.get('/', async (req, res: Response<unknown, HubLocals>) => {
    const q = parse(issuedQuery, req.query);
    res.json({ ok: true, orders: await orders.issued(actorOf(requirePrincipal(res)), q) });
  });
  r.post('/', async (req, res: Response<unknown, HubLocals>) => {
    const out = await orders.create(actorOf(requirePrincipal(res)), parse(createOrderPayload, req.body));
    res.status(out.duplicate ? 200 : 201).json({ ok: true, ...out });
  });
  r.get('/mine', async (_req, res: Response<unknown, HubLocals>) => {
    res.json({ ok: true, ...(await orders.sync(actorOf(requirePrincipal(res)), 0)) });
  });
  // 签收 from a notification's action (the service worker, with the session cookie): the socket command's service call.
  r.post('/:id/acknowledge', async (req, res: Response<unknown, HubLocals>) => {
    const { clientId } = parse(acknowledgeBody, req.body ?? {});
    const orderId = parse(orderIdParam, req.params.id);
    const out = await orders.act(actorOf(requirePrincipal(res)), { action: 'acknowledge', orderId, clientId });
    res.json({ ok: true, ...out });
  });
  r.get('/:id/board', async (req, res: Response<unknown, HubLocals>) => {
    res.json({ ok: true, board: await orders.board(actorOf(requirePrincipal(res)), String(req.params.id)) });
  });
  r.get('/:id/timeline', async (req, res: Response<unknown, HubLocals>) => {
    res.json({ ok: true, timeline: await orders.timeline(actorOf(requirePrincipal(res)), String(req.params.id)) });
  });
  return r;
}
