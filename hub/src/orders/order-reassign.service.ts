import type { Actor } from '../auth/permissions.ts';
import { writeAudit } from '../audit/audit-log.ts';
import { errors } from '../errors.ts';
import { personById } from '../org/org-queries.ts';
import type { BoardView, OrderReassignPayload } from '../protocol/index.ts';
import type { OrderContext } from './order-context.ts';
import { takeRev } from './order-revs.ts';
import { orderFinished } from './order-search.ts';
import { resolveRecipients } from './order-targets.ts';

/** A re-dispatched share gets at least this long to be acknowledged, even on a late order. */
const MIN_ACK_WINDOW_MS = 60_000;

/**
 * 改派: the issuer (or a dispatcher whose scope holds the order) gives a returned (退回) share to
 * someone else. The new person receives it as a new assignment, live and through sync like any
 * other; the one who returned it keeps their returned row (history keeps the return and its
 * reason) and is released from it; a return is re-dispatched once.
 */
export function createOrderReassign(ctx: OrderContext) {
  const { db, views, notify, now, managedOrder, writeEvent } = ctx;

  /** This dispatcher's earlier 改派 with this client id, if any: a retry answers as the first did. */
  async function doneBefore(actor: Actor, clientId: string): Promise<boolean> {
    const row = await db
      .selectFrom('order_events')
      .select('id')
      .where('actor_id', '=', actor.id)
      .where('client_id', '=', clientId)
      .where('kind', '=', 'reassigned')
      .executeTakeFirst();
    return row !== undefined;
  }

  return {
    async reassign(actor: Actor, p: OrderReassignPayload): Promise<{ board: BoardView }> {
      const order = await managedOrder(actor, p.orderId);
      if (await doneBefore(actor, p.clientId)) return { board: await views.board(p.orderId) };
      if (order.status !== 'active' || (await orderFinished(db, p.orderId))) throw errors.orderFinished();
      const from = await db
        .selectFrom('order_recipients')
        .select('state')
        .where('order_id', '=', p.orderId)
        .where('user_id', '=', p.fromUserId)
        .executeTakeFirst();
      if (!from) throw errors.notFound('assignment');
      if (from.state !== 'returned') throw errors.conflict('only a returned share can be re-dispatched');
      // As with sending: the dispatcher gives the work to someone else, never to themselves.
      if (p.toUserId === actor.id) throw errors.invalid('re-dispatch to someone else');
      // The new person must lie in the order's scope and receive orders, like any target.
      const recipients = await resolveRecipients(
        db,
        order.scope_path,
        [{ kind: 'user', userId: p.toUserId }],
        actor.id,
      );
      const to = (await personById(db, p.toUserId))!;
      const at = now();
      let rev: number;
      try {
        rev = await db.transaction().execute(async (trx) => {
          const rev = await takeRev(trx);
          // Touching the returned row first locks it: two dispatchers re-dispatching the same return
          // at once queue here, and the second sees the first's event below.
          await trx
            .updateTable('order_recipients')
            .set({ rev })
            .where('order_id', '=', p.orderId)
            .where('user_id', '=', p.fromUserId)
            .execute();
          const already = await trx
            .selectFrom('order_events')
            .select('id')
            .where('order_id', '=', p.orderId)
            .where('kind', '=', 'reassigned')
            .where('subject_id', '=', p.fromUserId)
            .executeTakeFirst();
          if (already) throw errors.conflict('this return was re-dispatched already');
          const holds = await trx
            .selectFrom('order_recipients')
            .select('state')
            .where('order_id', '=', p.orderId)
            .where('user_id', '=', p.toUserId)
            .executeTakeFirst();
          if (holds) throw errors.conflict('that person already holds this order');
          await trx
            .insertInto('order_recipients')
            .values({
              order_id: p.orderId,
              user_id: p.toUserId,
              state: 'pending',
              ack_reminders: 0,
              complete_reminders: 0,
              next_chase_at: Math.max(order.ack_due_at, at + MIN_ACK_WINDOW_MS),
              rev,
            })
            .execute();
          await writeEvent(trx, {
            orderId: p.orderId,
            actorId: actor.id,
            subjectId: p.fromUserId,
            kind: 'reassigned',
            clientId: p.clientId,
            text: to.name,
            at,
          });
          await writeAudit(
            trx,
            {
              actorId: actor.id,
              action: 'order.reassign',
              targetType: 'order',
              targetId: p.orderId,
              detail: { from: p.fromUserId, to: p.toUserId },
            },
            at,
          );
          return rev;
        });
      } catch (err) {
        // The same client id raced in twice: the other attempt won.
        if (await doneBefore(actor, p.clientId)) return { board: await views.board(p.orderId) };
        throw err;
      }
      notify.assigned((await views.order(p.orderId))!, rev, recipients.audience);
      // The returned person's row moved (its rev): their devices drop it from what is still theirs.
      notify.assignmentsChanged(p.orderId, [{ userId: p.fromUserId }]);
      notify.boardChanged(p.orderId);
      return { board: await views.board(p.orderId) };
    },
  };
}
