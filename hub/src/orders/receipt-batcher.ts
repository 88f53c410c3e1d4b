import { sql, type Kysely } from 'kysely';
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
/** Rows per statement: well under SQLite's and PostgreSQL's bound-parameter limits. */
const CHUNK = 500;

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
    // One UPDATE … RETURNING per (order, target state) and chunk, not one per receipt: ten
    // thousand acknowledgements of one order become a handful of statements.
    const groups = new Map<string, number[]>();
    batch.forEach(({ t }, i) => {
      const key = `${t.orderId} ${t.state}`;
      groups.set(key, [...(groups.get(key) ?? []), i]);
    });
    try {
      await db.transaction().execute(async (trx) => {
        const rev = await takeRevs(trx, 1);
        for (const indexes of groups.values()) {
          const { orderId, state } = batch[indexes[0]!]!.t;
          for (let c = 0; c < indexes.length; c += CHUNK) {
            const chunk = indexes.slice(c, c + CHUNK);
            // Each receipt keeps its own time: CASE user_id WHEN … THEN its time (cast: PostgreSQL
            // would type a bare parameter in CASE as text).
            const atOf = new Map(chunk.map((i) => [batch[i]!.t.userId, batch[i]!.t.at]));
            const stamp = sql<number>`case user_id ${sql.join(
              [...atOf].map(([u, at]) => sql`when ${u} then cast(${at} as bigint)`),
              sql` `,
            )} end`;
            const rows = await trx
              .updateTable('order_recipients')
              .set((eb) => ({
                state,
                rev,
                delivered_at: eb.fn.coalesce('delivered_at', stamp),
                ...(state !== 'delivered' ? { read_at: eb.fn.coalesce('read_at', stamp) } : {}),
                [STAMP[state]]: stamp,
                // Acknowledged: stop chasing for acknowledgement; the completion deadline takes over.
                ...(state === 'acknowledged'
                  ? { next_chase_at: eb.selectFrom('orders').select('orders.complete_due_at').whereRef('orders.id', '=', 'order_recipients.order_id') }
                  : {}),
              }))
              .where('order_id', '=', orderId)
              .where('user_id', 'in', [...atOf.keys()])
              .where('state', 'in', LOWER_STATES[state])
              .returning('user_id')
              .execute();
            const moved = new Set(rows.map((r) => r.user_id));
            for (const i of chunk) {
              // The same person twice in one batch (two devices): only the first moved anything.
              if (!moved.delete(batch[i]!.t.userId)) continue;
              changed[i] = true;
              applied.push(batch[i]!.t);
            }
            const acknowledged = chunk.filter((i) => changed[i] && state === 'acknowledged').map((i) => batch[i]!.t);
            if (acknowledged.length) {
              await trx
                .insertInto('order_events')
                .values(acknowledged.map((t) => ({ id: newId(), order_id: t.orderId, at: t.at, actor_id: t.userId, subject_id: t.userId, kind: 'acknowledged', client_id: null, text: null })))
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
