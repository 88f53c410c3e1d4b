import type { Kysely } from 'kysely';
import type { Logger } from '../logger.ts';
import type { Database } from '../store/schema.ts';
import type { EncryptPool, PushRequest } from './encrypt-pool.ts';
import { checkEndpoint, type EndpointPolicy } from './endpoint-policy.ts';
import type { ChannelSender, ClaimedJob, Outcome } from './outbox.ts';
import type { VapidKeys } from './vapid-keys.ts';

/** How long a push notification waits at the push service for a device that is offline. */
const TTL_SECONDS = 4 * 3600;
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Sends Web Push jobs: encrypts each payload (aes128gcm, RFC 8291) and signs with VAPID through
 * `web-push` on the encryption workers, then POSTs with fetch (bounded concurrency, a timeout
 * each). Before sending it
 * re-reads the subscription: gone (logged out, disabled), or its page open and visible right now
 * (shown there instead) means no push. 404/410 from the push service removes the subscription.
 */
export function createWebPushSender(deps: {
  db: Kysely<Database>;
  vapid: VapidKeys;
  endpoints: EndpointPolicy;
  concurrency: number;
  encryption: EncryptPool;
  log: Logger;
}): ChannelSender {
  const { db, vapid } = deps;

  /** Encrypts and signs one push off the event loop; rejects for a bad subscription. */
  function request(job: ClaimedJob, sub: { endpoint: string; p256dh: string; auth: string; urgent: boolean }) {
    checkEndpoint(sub.endpoint, deps.endpoints);
    return deps.encryption.encrypt({ endpoint: sub.endpoint, keys: sub }, job.payload, {
      vapidDetails: vapid,
      TTL: TTL_SECONDS,
      urgency: sub.urgent ? 'high' : 'normal',
      contentEncoding: 'aes128gcm',
    });
  }

  async function post(req: PushRequest): Promise<Outcome> {
    try {
      const res = await fetch(req.endpoint, {
        method: req.method,
        headers: req.headers,
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
    const inFlight = new Set<Promise<void>>();
    for (const [i, job] of jobs.entries()) {
      const sub = subs.get(job.target);
      if (!sub) {
        outcomes[i] = { kind: 'dropped', why: 'no subscription' };
        continue;
      }
      if (sub.visible_until !== null && sub.visible_until > t) {
        outcomes[i] = { kind: 'dropped', why: 'page visible' };
        continue;
      }
      const kind = (JSON.parse(job.payload) as { kind: string }).kind;
      const sending = (async () => {
        let req: PushRequest;
        try {
          req = await request(job, { ...sub, urgent: kind === 'flash' || kind === 'urgent' });
        } catch (err) {
          outcomes[i] = { kind: 'dropped', why: err instanceof Error ? err.message : String(err) };
          return;
        }
        outcomes[i] = await post(req);
      })();
      inFlight.add(sending);
      void sending.finally(() => inFlight.delete(sending));
      if (inFlight.size >= deps.concurrency) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    const gone = jobs.filter((_, i) => outcomes[i]!.kind === 'gone').map((j) => j.target);
    if (gone.length) {
      await db.deleteFrom('push_subscriptions').where('id', 'in', gone).execute();
      deps.log.info({ removed: gone.length }, 'expired push subscriptions removed');
    }
    return outcomes;
  };
}
