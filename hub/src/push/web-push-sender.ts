import type { Kysely } from 'kysely';
import webPush from 'web-push';
import type { Logger } from '../logger.ts';
import type { Database } from '../store/schema.ts';
import { checkEndpoint, type EndpointPolicy } from './endpoint-policy.ts';
import type { ChannelSender, ClaimedJob, Outcome } from './outbox.ts';
import type { VapidKeys } from './vapid-keys.ts';

/** How long a push notification waits at the push service for a device that is offline. */
const TTL_SECONDS = 4 * 3600;
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Sends Web Push jobs: encrypts each payload (aes128gcm, RFC 8291) and signs with VAPID through
 * `web-push`, then POSTs with fetch (bounded concurrency, a timeout each). Before sending it
 * re-reads the subscription: gone (logged out, disabled), or its page open and visible right now
 * (shown there instead) means no push. 404/410 from the push service removes the subscription.
 */
export function createWebPushSender(deps: {
  db: Kysely<Database>;
  vapid: VapidKeys;
  endpoints: EndpointPolicy;
  concurrency: number;
  log: Logger;
}): ChannelSender {
  const { db, vapid } = deps;

  async function sendOne(
    job: ClaimedJob,
    sub: { endpoint: string; p256dh: string; auth: string; urgent: boolean },
  ): Promise<Outcome> {
    try {
      checkEndpoint(sub.endpoint, deps.endpoints);
      const req = webPush.generateRequestDetails({ endpoint: sub.endpoint, keys: sub }, job.payload, {
        vapidDetails: vapid,
        TTL: TTL_SECONDS,
        urgency: sub.urgent ? 'high' : 'normal',
        contentEncoding: 'aes128gcm',
      });
      const res = await fetch(req.endpoint, {
        method: req.method,
        headers: req.headers as Record<string, string>,
        body: req.body as Uint8Array<ArrayBuffer>,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        redirect: 'error',
      });
      await res.body?.cancel();
      if (res.status === 404 || res.status === 410) return { kind: 'gone' };
      if (res.ok) return { kind: 'sent' };
      // 429 and 5xx pass; other 4xx (a bad request, a payload too large) will not get better.
      if (res.status === 429 || res.status >= 500) return { kind: 'retry', why: `push service answered ${res.status}` };
      return { kind: 'dropped', why: `push service answered ${res.status}` };
    } catch (err) {
      return { kind: 'retry', why: err instanceof Error ? err.message : String(err) };
    }
  }

  return async (jobs, t) => {
    const rows = await db
      .selectFrom('push_subscriptions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .innerJoin('sessions as se', 'se.id', 's.session_id')
      .select(['s.id', 's.endpoint', 's.p256dh', 's.auth', 's.visible_until'])
      .where('s.id', 'in', [...new Set(jobs.map((j) => j.target))])
      .where('u.disabled_at', 'is', null)
      .execute();
    const subs = new Map(rows.map((r) => [r.id, r]));
    const outcomes: Outcome[] = new Array(jobs.length);
    let next = 0;
    const worker = async () => {
      while (next < jobs.length) {
        const i = next++;
        const job = jobs[i]!;
        const sub = subs.get(job.target);
        if (!sub) outcomes[i] = { kind: 'dropped', why: 'no subscription' };
        else if (sub.visible_until !== null && sub.visible_until > t)
          outcomes[i] = { kind: 'dropped', why: 'page visible' };
        else {
          const kind = (JSON.parse(job.payload) as { kind: string }).kind;
          outcomes[i] = await sendOne(job, { ...sub, urgent: kind === 'flash' || kind === 'urgent' });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(deps.concurrency, jobs.length) }, worker));
    const gone = jobs.filter((_, i) => outcomes[i]!.kind === 'gone').map((j) => j.target);
    if (gone.length) {
      await db.deleteFrom('push_subscriptions').where('id', 'in', gone).execute();
      deps.log.info({ removed: gone.length }, 'expired push subscriptions removed');
    }
    return outcomes;
  };
}
