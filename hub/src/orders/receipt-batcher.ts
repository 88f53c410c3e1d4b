import type { Kysely } from 'kysely';
import type { RecipientState } from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import { newId } from '../ids.ts';
import { takeRevs } from './order-revs.ts';

/** A forward-only state change for one recipient, without text: delivered, read, acknowledged. */
export interface Transition {
  orderId: string;
  userId: string;
  state: 'delivered' | 'read' | 'acknowledged';
  at: number;
}

const LOWER_STATES: Record<Transition['state'], RecipientState[]> = {
  delivered: ['pending'],
  read: ['pending', 'delivered'],
  acknowledged: ['pending', 'delivered', 'read'],
};
const STAMP = { delivered: 'delivered_at', read: 'read_at', acknowledged: 'acknowledged_at' } as const;
const FLUSH_MS = 25;
const MAX_BATCH = 2000;

/**
 * Receipt writes are batched (DESIGN.md, Delivery): transitions arriving within a few
 * milliseconds go to the store in one transaction, and each caller's promise resolves once its
 * row is persisted, so the acknowledgement to the client still follows the write.
 * Resolves with the transitions that changed something (a repeat is harmless and changes nothing).
 */
export function createReceiptBatcher(db: Kysely<Database>, onApplied: (applied: Transition[]) => void) {
  let queue: { t: Transition; done: (changed: boolean) => void; fail: (e: unknown) => void }[] = [];
  let timer: NodeJS.Timeout | undefined;
  let flushing = Promise.resolve();

  async function write(batch: typeof queue): Promise<void> {
    const applied: Transition[] = [];
    const changed = new Array<boolean>(batch.length).fill(false);
    try {
      await db.transaction().execute(async (trx) => {
        const rev = await takeRevs(trx, 1);
        for (const [i, { t }] of batch.entries()) {
          const lower = LOWER_STATES[t.state];
          const res = await trx
            .updateTable('order_recipients')
            .set((eb) => ({
              state: t.state,
              rev,
              delivered_at: eb.fn.coalesce('delivered_at', eb.val(t.at)),
              ...(t.state !== 'delivered' ? { read_at: eb.fn.coalesce('read_at', eb.val(t.at)) } : {}),
              [STAMP[t.state]]: t.at,
              // Acknowledged: stop chasing for acknowledgement; the completion deadline takes over.
              ...(t.state === 'acknowledged'
                ? { next_chase_at: eb.selectFrom('orders').select('orders.complete_due_at').whereRef('orders.id', '=', 'order_recipients.order_id') }
                : {}),
            }))
            .where('order_id', '=', t.orderId)
            .where('user_id', '=', t.userId)
            .where('state', 'in', lower)
            .executeTakeFirst();
          if (Number(res.numUpdatedRows) > 0) {
            changed[i] = true;
            applied.push(t);
            if (t.state === 'acknowledged') {
              await trx
                .insertInto('order_events')
                .values({ id: newId(), order_id: t.orderId, at: t.at, actor_id: t.userId, subject_id: t.userId, kind: 'acknowledged', client_id: null, text: null })
                .execute();
            }
          }
        }
      });
    } catch (err) {
      for (const q of batch) q.fail(err);
      return;
    }
    batch.forEach((q, i) => q.done(changed[i]!));
    if (applied.length) onApplied(applied);
  }

  function flush(): void {
    timer = undefined;
    const batch = queue;
    queue = [];
    flushing = flushing.then(() => write(batch));
  }

  return {
    /** Queues a transition; resolves true when it moved the state forward, false when it was already there or beyond. */
    apply(t: Transition): Promise<boolean> {
      return new Promise((done, fail) => {
        queue.push({ t, done, fail });
        if (queue.length >= MAX_BATCH) {
          if (timer) clearTimeout(timer);
          flush();
        } else timer ??= setTimeout(flush, FLUSH_MS);
      });
    },
    /** Writes whatever is queued (graceful stop). */
    async drain(): Promise<void> {
      if (timer) clearTimeout(timer);
      if (queue.length) flush();
      await flushing;
    },
  };
}
export type ReceiptBatcher = ReturnType<typeof createReceiptBatcher>;
