import { sql, type Kysely } from 'kysely';
import type { RecipientState } from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import { newId } from '../ids.ts';
import { takeRev } from './order-revs.ts';

/** A forward-only state change for one recipient, without text: delivered, read, acknowledged. */
export interface Transition {
  orderId: string;
  userId: string;
  state: 'delivered' | 'read' | 'acknowledged';
  at: number;
  /** The connection it came from (see OrderNotifier.assignmentsChanged). */
  origin?: string | undefined;
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
      const list = groups.get(key);
      if (list) list.push(i);
      else groups.set(key, [i]);
    });
    try {
      await db.transaction().execute(async (trx) => {
        const rev = await takeRev(trx);
        for (const indexes of groups.values()) {
          const { orderId, state } = batch[indexes[0]!]!.t;
          for (let c = 0; c < indexes.length; c += CHUNK) {
            const chunk = indexes.slice(c, c + CHUNK);
            // Each receipt keeps its own time: the chunk's (person, time) pairs are a VALUES table
            // the UPDATE joins on, so a row finds its time by the join, not by a CASE with a branch
            // per receipt (which costs chunk² comparisons). Cast: PostgreSQL types a bare parameter
            // in VALUES as text. The same person twice in one batch (two devices): one pair.
            const atOf = new Map(chunk.map((i) => [batch[i]!.t.userId, batch[i]!.t.at]));
            const pairs = sql.join([...atOf].map(([u, at]) => sql`(${u}, cast(${at} as bigint))`));
            const keep = (col: 'delivered_at' | 'read_at') =>
              STAMP[state] === col ? sql`v.at` : sql`coalesce(${sql.ref(col)}, v.at)`;
            const { rows } = await sql<{ user_id: string }>`
              with v(user_id, at) as (values ${pairs})
              update order_recipients
              set state = ${state}, rev = ${rev}, delivered_at = ${keep('delivered_at')}
                ${state !== 'delivered' ? sql`, read_at = ${keep('read_at')}` : sql``}
                ${
                  state === 'acknowledged'
                    ? // Acknowledged: stop chasing for acknowledgement; the completion deadline takes over.
                      sql`, acknowledged_at = v.at, next_chase_at = (select o.complete_due_at from orders o where o.id = order_recipients.order_id)`
                    : sql``
                }
              from v
              where order_recipients.order_id = ${orderId}
                and order_recipients.user_id = v.user_id
                and order_recipients.state in (${sql.join(LOWER_STATES[state])})
                ${
                  state === 'acknowledged'
                    ? // Acknowledging a cancelled order is refused (the service answers why); receipts are not.
                      sql`and exists (select 1 from orders o where o.id = order_recipients.order_id and o.status = 'active')`
                    : sql``
                }
              returning order_recipients.user_id`.execute(trx);
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
                .values(
                  acknowledged.map((t) => ({
                    id: newId(),
                    order_id: t.orderId,
                    at: t.at,
                    actor_id: t.userId,
                    subject_id: t.userId,
                    kind: 'acknowledged',
                    client_id: null,
                    text: null,
                  })),
                )
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
