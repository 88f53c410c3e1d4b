import type { Kysely } from 'kysely';
import type { Logger } from '../logger.ts';
import { recordLadderSteps } from '../orders/ladder-events.ts';
import type { LadderStep, OrderPriority, PushMessage } from '../protocol/index.ts';
import { enqueue } from '../push/outbox.ts';
import type { PushQueue } from '../push/push-queue.ts';
import type { Database } from '../store/schema.ts';

/** Priorities that climb the ladder; routine orders are never pushed. */
const LADDER_PRIORITIES: OrderPriority[] = ['flash', 'urgent'];
const UNACKNOWLEDGED = ['pending', 'delivered', 'read'] as const;
/** Orders older than this are not started on the ladder (a hub that was down for days does not ring for them). */
const START_WINDOW_MS = 24 * 3600_000;
const BATCH = 500;

/** The body of a webhook call, documented in README.md beside this file. */
export interface WebhookBody {
  event: 'order.unacknowledged';
  step: 'webhook' | 'head';
  order: { id: string; title: string; priority: OrderPriority; url: string };
  recipient: { id: string; name: string; phone: string | null };
  station: { id: string; name: string };
  /** Whom to call at the `head` step: the station's heads. Empty at the `webhook` step. */
  contacts: { id: string; name: string; phone: string | null }[];
}

interface Candidate {
  order_id: string;
  user_id: string;
}

const PRIORITY_LABEL: Record<OrderPriority, string> = { flash: '特急', urgent: '紧急', routine: '一般' };

/**
 * The escalation ladder of flash and urgent orders: push at once; if a recipient has not
 * acknowledged after the station's delay, its webhook (SMS / voice gateway); then the unit head.
 * Every step is a row keyed by order, recipient and step, inserted "if absent" in the transaction
 * that queues the step's notifications and writes its timeline line: whichever node inserts the
 * row does the step, so each happens once across nodes. It reads the store, not events, so a
 * node that dies after an order is saved leaves nothing unpushed: the next pass anywhere finds it.
 */
export function createLadder(deps: { db: Kysely<Database>; push: PushQueue; log: Logger; now?: () => number }) {
  const { db, push } = deps;
  const now = deps.now ?? Date.now;

  /** Inserts the step rows that do not exist yet; returns the ones this call inserted, by order. */
  async function take(trx: Kysely<Database>, step: LadderStep, rows: Candidate[], t: number) {
    const won = await trx
      .insertInto('ladder_steps')
      .values(rows.map((r) => ({ order_id: r.order_id, user_id: r.user_id, step, at: t })))
      .onConflict((oc) => oc.columns(['order_id', 'user_id', 'step']).doNothing())
      .returning(['order_id', 'user_id'])
      .execute();
    const byOrder = new Map<string, string[]>();
    for (const w of won) byOrder.set(w.order_id, [...(byOrder.get(w.order_id) ?? []), w.user_id]);
    return byOrder;
  }

  const orderOf = (trx: Kysely<Database>, id: string) =>
    trx.selectFrom('orders').select(['id', 'title', 'priority']).where('id', '=', id).executeTakeFirstOrThrow();

  const orderMessage = (o: { id: string; title: string; priority: OrderPriority }): PushMessage => ({
    kind: o.priority === 'flash' ? 'flash' : 'urgent',
    title: `${PRIORITY_LABEL[o.priority]}指令`,
    body: o.title,
    url: `/orders/${o.id}`,
    tag: `order:${o.id}`,
    orderId: o.id,
  });

  /** Step 1: every unacknowledged recipient of a flash or urgent order not yet pushed. */
  async function pushStep(t: number): Promise<number> {
    let reached = 0;
    for (;;) {
      const rows = await db
        .selectFrom('order_recipients as r')
        .innerJoin('orders as o', 'o.id', 'r.order_id')
        .leftJoin('ladder_steps as s', (j) =>
          j.onRef('s.order_id', '=', 'r.order_id').onRef('s.user_id', '=', 'r.user_id').on('s.step', '=', 'push'),
        )
        .select(['r.order_id', 'r.user_id'])
        .where('o.status', '=', 'active')
        .where('o.priority', 'in', LADDER_PRIORITIES)
        .where('o.created_at', '>=', t - START_WINDOW_MS)
        .where('r.state', 'in', UNACKNOWLEDGED)
        .where('s.order_id', 'is', null)
        .limit(BATCH)
        .execute();
      if (rows.length === 0) return reached;
      await db.transaction().execute(async (trx) => {
        for (const [orderId, userIds] of await take(trx, 'push', rows, t)) {
          const o = await orderOf(trx, orderId);
          const pushed = await push.push(userIds, orderMessage(o), `order:${orderId}`, trx);
          await recordLadderSteps(trx, 'push', orderId, pushed, t);
          reached += pushed.length;
        }
      });
      if (rows.length < BATCH) return reached;
    }
  }

  /** Recipients in a station pushed at least `delayMin` ago, still unacknowledged, without `step` yet. */
  async function due(station: { id: string; path: string }, step: LadderStep, delayMin: number, t: number) {
    return db
      .selectFrom('ladder_steps as s')
      .innerJoin('order_recipients as r', (j) =>
        j.onRef('r.order_id', '=', 's.order_id').onRef('r.user_id', '=', 's.user_id'),
      )
      .innerJoin('orders as o', 'o.id', 's.order_id')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .innerJoin('units as un', 'un.id', 'u.unit_id')
      .leftJoin('ladder_steps as n', (j) =>
        j.onRef('n.order_id', '=', 's.order_id').onRef('n.user_id', '=', 's.user_id').on('n.step', '=', step),
      )
      .select(['s.order_id', 's.user_id'])
      .where('s.step', '=', 'push')
      .where('s.at', '<=', t - delayMin * 60_000)
      .where('n.order_id', 'is', null)
      .where('r.state', 'in', UNACKNOWLEDGED)
      .where('o.status', '=', 'active')
      .where('un.path', 'like', `${station.path}%`)
      .limit(BATCH)
      .execute();
  }

  const people = (trx: Kysely<Database>, ids: string[]) =>
    trx.selectFrom('users').select(['id', 'name', 'phone']).where('id', 'in', ids).execute();

  /** Steps 2 and 3 for one station's policy. */
  async function laterSteps(
    policy: {
      station_id: string;
      webhook_url: string | null;
      webhook_after_minutes: number | null;
      head_after_minutes: number | null;
    },
    t: number,
  ): Promise<{ texted: number; called: number }> {
    const station = await db
      .selectFrom('units')
      .select(['id', 'path', 'name'])
      .where('id', '=', policy.station_id)
      .executeTakeFirstOrThrow();
    const counts = { texted: 0, called: 0 };
    const steps: { step: 'webhook' | 'head'; delay: number | null }[] = [
      { step: 'webhook', delay: policy.webhook_url ? policy.webhook_after_minutes : null },
      { step: 'head', delay: policy.head_after_minutes },
    ];
    for (const { step, delay } of steps) {
      if (delay === null) continue;
      for (;;) {
        const rows = await due(station, step, delay, t);
        if (rows.length === 0) break;
        await db.transaction().execute(async (trx) => {
          const heads =
            step === 'head'
              ? await trx
                  .selectFrom('users')
                  .select(['id', 'name', 'phone'])
                  .where('unit_id', '=', station.id)
                  .where('role', '=', 'station_head')
                  .where('disabled_at', 'is', null)
                  .execute()
              : [];
          for (const [orderId, userIds] of await take(trx, step, rows, t)) {
            const o = await orderOf(trx, orderId);
            const recipients = await people(trx, userIds);
            if (policy.webhook_url) {
              const jobs = recipients.map((r) => {
                const body: WebhookBody = {
                  event: 'order.unacknowledged',
                  step,
                  order: { id: o.id, title: o.title, priority: o.priority, url: `/orders/${o.id}` },
                  recipient: r,
                  station: { id: station.id, name: station.name },
                  contacts: heads,
                };
                return {
                  channel: 'webhook' as const,
                  target: station.id,
                  dedupe: `${o.id}:${r.id}:${step}`,
                  payload: JSON.stringify(body),
                };
              });
              await enqueue(trx, jobs, t);
            }
            if (step === 'head')
              for (const r of recipients)
                await push.push(
                  heads.map((h) => h.id),
                  {
                    kind: 'escalation',
                    title: '通报：指令未签收',
                    body: `${r.name}：${o.title}`,
                    url: `/orders/${o.id}`,
                    tag: `order:${o.id}:${r.id}`,
                  },
                  `ladder-head:${o.id}:${r.id}`,
                  trx,
                );
            await recordLadderSteps(trx, step, orderId, userIds, t);
            counts[step === 'head' ? 'called' : 'texted'] += userIds.length;
          }
        });
        if (rows.length < BATCH) break;
      }
    }
    return counts;
  }

  return {
    /** One pass over every step; returns how many recipients each step reached. */
    async run(): Promise<{ pushed: number; texted: number; called: number }> {
      const t = now();
      const pushed = await pushStep(t);
      let texted = 0;
      let called = 0;
      const policies = await db.selectFrom('escalation_policies').selectAll().execute();
      for (const p of policies) {
        const c = await laterSteps(p, t);
        texted += c.texted;
        called += c.called;
      }
      return { pushed, texted, called };
    },
  };
}
export type Ladder = ReturnType<typeof createLadder>;
