import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ChannelSender, ClaimedJob, Outcome } from '../push/outbox.ts';
import type { Database } from '../store/schema.ts';
import type { WebhookBody } from './ladder.ts';

const REQUEST_TIMEOUT_MS = 10_000;
const CONCURRENCY = 8;
const STILL_OPEN = ['pending', 'delivered', 'read'] as const;

/** `sha256=` + hex HMAC-SHA256 of `<timestamp>.<body>` with the station's secret (see README.md). */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Sends the ladder's webhook jobs to the station's gateway, signed. Right before sending it reads
 * the station's policy (URL and secret as they are now) and the recipient's state: an order
 * acknowledged meanwhile, or a webhook since removed, is not sent.
 */
export function createWebhookSender(deps: { db: Kysely<Database> }): ChannelSender {
  const { db } = deps;

  async function sendOne(job: ClaimedJob, t: number): Promise<Outcome> {
    const body = JSON.parse(job.payload) as WebhookBody;
    const policy = await db
      .selectFrom('escalation_policies')
      .select(['webhook_url', 'webhook_secret'])
      .where('station_id', '=', job.target)
      .executeTakeFirst();
    if (!policy?.webhook_url || !policy.webhook_secret) return { kind: 'dropped', why: 'no webhook' };
    const open = await db
      .selectFrom('order_recipients as r')
      .innerJoin('orders as o', 'o.id', 'r.order_id')
      .select('r.user_id')
      .where('r.order_id', '=', body.order.id)
      .where('r.user_id', '=', body.recipient.id)
      .where('r.state', 'in', STILL_OPEN)
      .where('o.status', '=', 'active')
      .executeTakeFirst();
    if (!open) return { kind: 'dropped', why: 'acknowledged' };
    const timestamp = String(t);
    try {
      const res = await fetch(policy.webhook_url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-fengqiao-delivery': job.id,
          'x-fengqiao-timestamp': timestamp,
          'x-fengqiao-signature': signWebhook(policy.webhook_secret, timestamp, job.payload),
        },
        body: job.payload,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        redirect: 'error',
      });
      await res.body?.cancel();
      if (res.ok) return { kind: 'sent' };
      if (res.status === 429 || res.status >= 500 || res.status === 408)
        return { kind: 'retry', why: `webhook answered ${res.status}` };
      return { kind: 'dropped', why: `webhook answered ${res.status}` };
    } catch (err) {
      return { kind: 'retry', why: err instanceof Error ? err.message : String(err) };
    }
  }

  return async (jobs, t) => {
    const out: Outcome[] = new Array(jobs.length);
    let next = 0;
    const worker = async () => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await sendOne(jobs[i]!, t).catch((err: unknown): Outcome => ({ kind: 'retry', why: String(err) }));
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, jobs.length) }, worker));
    return out;
  };
}
