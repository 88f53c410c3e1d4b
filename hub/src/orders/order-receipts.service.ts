import type { Actor } from '../auth/permissions.ts';
import { errors } from '../errors.ts';
import {
  STATE_RANK,
  type OrderActionPayload,
  type OrderReceiptPayload,
  type RecipientState,
} from '../protocol/index.ts';
import type { OrderContext } from './order-context.ts';
import { takeRev } from './order-revs.ts';

/**
 * The recipient's side of an order: delivery and read receipts, acknowledging (签收), notes,
 * completing with feedback (反馈) and handing back. State only moves forward.
 */
export function createOrderReceipts(ctx: OrderContext) {
  const { db, notify, now, batcher, assignment, writeEvent } = ctx;

  return {
    /** Delivery and read receipts for the caller's own assignments (batched writes). */
    async receipts(actor: Actor, p: OrderReceiptPayload): Promise<{ updated: number }> {
      const at = now();
      const results = await Promise.all(
        [...new Set(p.orderIds)].map((orderId) => batcher.apply({ orderId, userId: actor.id, state: p.state, at })),
      );
      return { updated: results.filter(Boolean).length };
    },
    /**
     * A recipient acts on their own assignment: acknowledge, note, complete, hand back. `origin`
     * names the connection it came from, which needs no news of it.
     */
    async act(
      actor: Actor,
      p: OrderActionPayload,
      origin?: string,
    ): Promise<{ state: RecipientState; changed: boolean }> {
      // Acknowledging needs no client-id lookup: state only moves forward, so a repeat is a no-op.
      // Nor a read first: the batched write moves only the caller's own row, below acknowledged, of
      // an active order. Only when it moved nothing is the row read, to answer why — so ten
      // thousand recipients acknowledging at once cost a few statements, not ten thousand reads.
      if (p.action === 'acknowledge') {
        if (await batcher.apply({ orderId: p.orderId, userId: actor.id, state: 'acknowledged', at: now(), origin }))
          return { state: 'acknowledged', changed: true };
        const row = await assignment(actor, p.orderId);
        // A retry answers as the first try did (also when another device got there first, and even
        // if the order was cancelled in between).
        if (STATE_RANK[row.state] >= STATE_RANK.acknowledged || row.status === 'active')
          return { state: row.state, changed: false };
        throw errors.conflict('the order was cancelled');
      }
      const row = await assignment(actor, p.orderId);
      // A retry answers as the first try did, even if the order was cancelled in between.
      const dup = await db
        .selectFrom('order_events')
        .select('kind')
        .where('actor_id', '=', actor.id)
        .where('client_id', '=', p.clientId)
        .executeTakeFirst();
      if (dup) return { state: row.state, changed: false };
      if (row.status !== 'active') throw errors.conflict('the order was cancelled');
      if (row.state === 'completed' || row.state === 'returned')
        throw errors.conflict(`the assignment is already ${row.state}`);
      const at = now();
      let state: RecipientState = row.state;
      await db.transaction().execute(async (trx) => {
        const rev = await takeRev(trx);
        if (p.action === 'complete' || p.action === 'return') {
          state = p.action === 'complete' ? 'completed' : 'returned';
          await trx
            .updateTable('order_recipients')
            .set((eb) => ({
              state,
              rev,
              feedback: p.text,
              next_chase_at: null,
              delivered_at: eb.fn.coalesce('delivered_at', eb.val(at)),
              read_at: eb.fn.coalesce('read_at', eb.val(at)),
              ...(p.action === 'complete'
                ? { completed_at: at, acknowledged_at: eb.fn.coalesce('acknowledged_at', eb.val(at)) }
                : { returned_at: at }),
            }))
            .where('order_id', '=', p.orderId)
            .where('user_id', '=', actor.id)
            .where('state', 'not in', ['completed', 'returned'])
            .execute();
        } else {
          await trx
            .updateTable('order_recipients')
            .set({ rev })
            .where('order_id', '=', p.orderId)
            .where('user_id', '=', actor.id)
            .execute();
        }
        const kind = { note: 'note', complete: 'completed', return: 'returned' }[p.action];
        await writeEvent(trx, {
          orderId: p.orderId,
          actorId: actor.id,
          subjectId: actor.id,
          kind,
          clientId: p.clientId,
          text: p.text,
          at,
        });
      });
      notify.boardChanged(p.orderId);
      notify.assignmentsChanged(p.orderId, [{ userId: actor.id, origin }]);
      return { state, changed: true };
    },
  };
}
