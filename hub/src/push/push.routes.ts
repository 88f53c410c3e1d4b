import { Router, type Response } from 'express';
import { errors } from '../errors.ts';
import type { HubLocals } from '../auth/http-auth.ts';
import { requirePrincipal } from '../auth/http-auth.ts';
import { pushSettingsPayload, pushSubscribePayload, pushUnsubscribePayload } from '../protocol/schemas.ts';
import { createRateLimiter } from '../rate-limiter.ts';
import { parse } from '../validate.ts';
import type { SessionOwner, SubscriptionService } from './subscription.service.ts';

/** Subscription and settings writes per person: a burst of 10, then one every 6 s (per node). */
const WRITES = { capacity: 10, perSecond: 1 / 6 };

/** REST of Web Push: the public key, this device's subscription, and the person's settings. */
export function pushRoutes(deps: { subscriptions: SubscriptionService; publicKey: string }) {
  const { subscriptions } = deps;
  const limiter = createRateLimiter(WRITES);
  const r = Router();

  /** A signed-in person with a session (a bot token has no device to push to), within the write rate. */
  const owner = (res: Response<unknown, HubLocals>, write: boolean): SessionOwner => {
    const p = requirePrincipal(res);
    if (p.kind !== 'session') throw errors.forbidden('push subscriptions belong to a signed-in browser');
    if (write) {
      const wait = limiter.take(p.user.id);
      if (wait) throw errors.rateLimited(wait);
    }
    return { userId: p.user.id, sessionId: p.session.id };
  };

  r.get('/config', (_req, res: Response<unknown, HubLocals>) => {
    requirePrincipal(res);
    res.json({ ok: true, publicKey: deps.publicKey });
  });
  r.post('/subscriptions', async (req, res: Response<unknown, HubLocals>) => {
    const o = owner(res, true);
    res.status(201).json({ ok: true, ...(await subscriptions.subscribe(o, parse(pushSubscribePayload, req.body))) });
  });
  r.delete('/subscriptions', async (req, res: Response<unknown, HubLocals>) => {
    const o = owner(res, true);
    const { endpoint } = parse(pushUnsubscribePayload, req.body);
    res.json({ ok: true, ...(await subscriptions.unsubscribe(o.userId, endpoint)) });
  });
  r.get('/settings', async (_req, res: Response<unknown, HubLocals>) => {
    const o = owner(res, false);
    res.json({
      ok: true,
      settings: await subscriptions.settings(o.userId),
      devices: await subscriptions.sessionDevices(o.sessionId),
    });
  });
  r.put('/settings', async (req, res: Response<unknown, HubLocals>) => {
    const o = owner(res, true);
    res.json({ ok: true, settings: await subscriptions.saveSettings(o.userId, parse(pushSettingsPayload, req.body)) });
  });
  return r;
}
