import { sql } from 'kysely';
import type { Actor } from '../auth/permissions.ts';
import { errors } from '../errors.ts';
import { newId } from '../ids.ts';
import { incidentStationPath } from '../incidents/incident-queries.ts';
import { unitById } from '../org/org-queries.ts';
import {
  DEFAULT_DEADLINES_MIN,
  TIME_WINDOWS,
  type CreateOrderPayload,
  type OrderForwardPayload,
  type OrderView,
  type RecipientState,
} from '../protocol/index.ts';
import { checkWindow } from '../time-window.ts';
import type { OrderContext } from './order-context.ts';
import { takeRev } from './order-revs.ts';
import { orderFinished } from './order-search.ts';
import { resolveRecipients, type Recipients } from './order-targets.ts';

/**
 * The dispatcher's side of an order: sending it (and a recipient forwarding theirs as a sub-order),
 * then chasing, amending or cancelling it. Every write is persisted before anyone is told.
 */
export function createOrderIssuing(ctx: OrderContext) {
  const { db, views, notify, now, requireScope, managedOrder, assignment, recipientsOf, writeEvent, writeEvents } = ctx;

  /** The order this person already sent with this client id, if any: a retry gets the first answer. */
  async function sentBefore(actor: Actor, clientId: string): Promise<string | undefined> {
    return (
      await db
        .selectFrom('orders')
        .select('id')
        .where('issuer_id', '=', actor.id)
        .where('client_id', '=', clientId)
        .executeTakeFirst()
    )?.id;
  }

  async function duplicateOf(orderId: string) {
    const n = await db
      .selectFrom('order_recipients')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('order_id', '=', orderId)
      .executeTakeFirstOrThrow();
    return { order: (await views.order(orderId))!, recipients: Number(n.n), duplicate: true };
  }

  /**
   * Inserts an order and its recipients in one transaction; the caller has checked everything.
   * Answers with how many recipients it stored (none: refused, nothing stored).
   */
  async function insertOrder(o: {
    actor: Actor;
    clientId: string;
    scopeUnitId: string;
    parentOrderId: string | null;
    p: Pick<CreateOrderPayload, 'title' | 'body' | 'priority' | 'targets'> & { incidentId?: string | undefined };
    ackDueAt: number;
    completeDueAt: number;
    recipients: Recipients;
    at: number;
  }): Promise<{ order: OrderView; rev: number; recipients: number }> {
    const id = newId();
    const { rev, recipients } = await db.transaction().execute(async (trx) => {
      const rev = await takeRev(trx);
      await trx
        .insertInto('orders')
        .values({
          id,
          issuer_id: o.actor.id,
          client_id: o.clientId,
          scope_unit_id: o.scopeUnitId,
          parent_order_id: o.parentOrderId,
          incident_id: o.p.incidentId ?? null,
          title: o.p.title,
          body: o.p.body,
          priority: o.p.priority,
          status: 'active',
          targets: JSON.stringify(o.p.targets),
          ack_due_at: o.ackDueAt,
          complete_due_at: o.completeDueAt,
          cancel_reason: null,
          rev,
          created_at: o.at,
          updated_at: o.at,
        })
        .execute();
      // One statement selects the recipients and stores their rows: the list is resolved at send
      // time, and for 10,000 recipients no ids travel to the hub and back. Columns left out are
      // null; casts, because PostgreSQL types a bare parameter in a SELECT as text.
      const inserted = await sql`
        insert into order_recipients (order_id, user_id, state, ack_reminders, complete_reminders, next_chase_at, rev)
        select ${id}, r.user_id, ${'pending' satisfies RecipientState}, 0, 0, cast(${o.ackDueAt} as bigint), cast(${rev} as bigint)
        from (${o.recipients.query}) as r`.execute(trx);
      const recipients = Number(inserted.numAffectedRows ?? 0);
      if (recipients === 0) throw errors.invalid('the targets hold nobody who can receive this order');
      await writeEvent(trx, {
        orderId: id,
        actorId: o.actor.id,
        kind: o.parentOrderId ? 'forwarded' : 'created',
        at: o.at,
        text: String(recipients),
      });
      if (o.parentOrderId)
        await writeEvent(trx, {
          orderId: o.parentOrderId,
          actorId: o.actor.id,
          subjectId: o.actor.id,
          kind: 'forwarded',
          at: o.at,
          text: id,
        });
      return { rev, recipients };
    });
    return { order: (await views.order(id))!, rev, recipients };
  }

  /** Deadlines a client gives lie within the due window (now − 5 min … now + 1 year). */
  function dueWindow(p: { ackDueAt?: number | undefined; completeDueAt?: number | undefined }, t: number): void {
    if (p.ackDueAt !== undefined) checkWindow('ackDueAt', p.ackDueAt, TIME_WINDOWS.due, t);
    if (p.completeDueAt !== undefined) checkWindow('completeDueAt', p.completeDueAt, TIME_WINDOWS.due, t);
  }

  function deadlines(
    p: { priority: CreateOrderPayload['priority']; ackDueAt?: number | undefined; completeDueAt?: number | undefined },
    t: number,
  ) {
    const d = DEFAULT_DEADLINES_MIN[p.priority];
    dueWindow(p, t);
    const ackDueAt = p.ackDueAt ?? t + d.ack * 60_000;
    const completeDueAt = p.completeDueAt ?? Math.max(ackDueAt, t + d.complete * 60_000);
    if (ackDueAt <= t) throw errors.invalid('the acknowledgement deadline is in the past');
    if (completeDueAt < ackDueAt)
      throw errors.invalid('the completion deadline is before the acknowledgement deadline');
    if (ackDueAt > t + 90 * 86_400_000) throw errors.invalid('the acknowledgement deadline is more than 90 days away');
    return { ackDueAt, completeDueAt };
  }

  return {
    /**
     * Sends an order: resolves targets to recipients at send time, persists order and recipients,
     * then announces it. A retry with the same client id returns the first order.
     */
    async create(
      actor: Actor,
      p: CreateOrderPayload,
    ): Promise<{ order: OrderView; recipients: number; duplicate: boolean }> {
      const scope = await requireScope(actor);
      const earlier = await sentBefore(actor, p.clientId);
      if (earlier) return duplicateOf(earlier);
      const t = now();
      const { ackDueAt, completeDueAt } = deadlines(p, t);
      if (p.incidentId) {
        const incidentPath = await incidentStationPath(db, p.incidentId);
        if (!incidentPath?.startsWith(scope.path)) throw errors.notFound('incident');
      }
      const recipients = await resolveRecipients(db, scope.path, p.targets, actor.id);
      let sent: Awaited<ReturnType<typeof insertOrder>>;
      try {
        sent = await insertOrder({
          actor,
          clientId: p.clientId,
          scopeUnitId: scope.id,
          parentOrderId: null,
          p,
          ackDueAt,
          completeDueAt,
          recipients,
          at: t,
        });
      } catch (err) {
        // Two tabs sent the same client id at once: the other insert won; answer with its order.
        const won = await sentBefore(actor, p.clientId);
        if (!won) throw err;
        return duplicateOf(won);
      }
      // The recipients first: the dispatchers' board read comes after their fan-out has started.
      notify.assigned(sent.order, sent.rev, recipients.audience);
      notify.issued(sent.order, scope.id);
      notify.boardChanged(sent.order.id);
      return { order: sent.order, recipients: sent.recipients, duplicate: false };
    },
    /**
     * Forwards (转派) the caller's assignment to people of their own unit as a sub-order. The
     * caller stays responsible for their own assignment; the original board rolls the sub-order up.
     */
    async forward(
      actor: Actor,
      p: OrderForwardPayload,
    ): Promise<{ order: OrderView; recipients: number; duplicate: boolean }> {
      const row = await assignment(actor, p.orderId);
      if (row.status !== 'active') throw errors.conflict('the order was cancelled');
      if (row.state === 'completed' || row.state === 'returned')
        throw errors.conflict(`the assignment is already ${row.state}`);
      const earlier = await sentBefore(actor, p.clientId);
      if (earlier) return duplicateOf(earlier);
      const ownUnit = await unitById(db, actor.unitId);
      if (!ownUnit) throw errors.notFound('unit');
      const recipients = await resolveRecipients(
        db,
        ownUnit.path,
        p.userIds.map((userId) => ({ kind: 'user' as const, userId })),
        actor.id,
      );
      const parent = await db.selectFrom('orders').selectAll().where('id', '=', p.orderId).executeTakeFirstOrThrow();
      const at = now();
      const body = p.note ? `${parent.body}\n\n【转派说明】${p.note}` : parent.body;
      const sent = await insertOrder({
        actor,
        clientId: p.clientId,
        scopeUnitId: ownUnit.id,
        parentOrderId: parent.id,
        p: {
          title: parent.title,
          body,
          priority: parent.priority,
          targets: p.userIds.map((userId) => ({ kind: 'user' as const, userId })),
          incidentId: parent.incident_id ?? undefined,
        },
        ackDueAt: Math.max(parent.ack_due_at, at + 60_000),
        completeDueAt: Math.max(parent.complete_due_at, at + 60_000),
        recipients,
        at,
      });
      notify.assigned(sent.order, sent.rev, recipients.audience);
      notify.boardChanged(parent.id);
      return { order: sent.order, recipients: sent.recipients, duplicate: false };
    },
    /** Chase (催办) pending recipients by hand: all who have not completed, or the named ones. */
    async chase(actor: Actor, orderId: string, userIds?: string[]): Promise<{ chased: string[] }> {
      const order = await managedOrder(actor, orderId);
      if (order.status !== 'active') throw errors.conflict('the order was cancelled');
      let q = db
        .selectFrom('order_recipients')
        .select('user_id')
        .where('order_id', '=', orderId)
        .where('state', 'not in', ['completed', 'returned']);
      if (userIds) q = q.where('user_id', 'in', userIds);
      const chased = (await q.execute()).map((r) => r.user_id);
      const at = now();
      // One transaction: a chase is recorded for everyone or no one.
      await db.transaction().execute((trx) =>
        writeEvents(
          trx,
          chased.map((u) => ({ orderId, actorId: actor.id, subjectId: u, kind: 'chased', at })),
        ),
      );
      const notAcknowledged = new Set(
        (
          await db
            .selectFrom('order_recipients')
            .select('user_id')
            .where('order_id', '=', orderId)
            .where('state', 'in', ['pending', 'delivered', 'read'])
            .execute()
        ).map((r) => r.user_id),
      );
      const ackPhase = chased.filter((u) => notAcknowledged.has(u));
      const completePhase = chased.filter((u) => !notAcknowledged.has(u));
      if (ackPhase.length) notify.reminded(orderId, ackPhase, 'ack', true);
      if (completePhase.length) notify.reminded(orderId, completePhase, 'complete', true);
      return { chased };
    },

    async cancel(actor: Actor, orderId: string, reason: string): Promise<OrderView> {
      const order = await managedOrder(actor, orderId);
      // Finished orders are history: read-only (cancelled ones included).
      if (order.status !== 'active' || (await orderFinished(db, orderId))) throw errors.orderFinished();
      const at = now();
      await db.transaction().execute(async (trx) => {
        const rev = await takeRev(trx);
        await trx
          .updateTable('orders')
          .set({ status: 'cancelled', cancel_reason: reason, updated_at: at, rev })
          .where('id', '=', orderId)
          .execute();
        await trx
          .updateTable('order_recipients')
          .set({ rev, next_chase_at: null })
          .where('order_id', '=', orderId)
          .execute();
        await writeEvent(trx, { orderId, actorId: actor.id, kind: 'cancelled', text: reason, at });
      });
      notify.orderChanged(orderId, await recipientsOf(orderId));
      notify.boardChanged(orderId);
      return (await views.order(orderId))!;
    },

    async amend(
      actor: Actor,
      p: {
        orderId: string;
        title?: string | undefined;
        body?: string | undefined;
        ackDueAt?: number | undefined;
        completeDueAt?: number | undefined;
      },
    ): Promise<OrderView> {
      const order = await managedOrder(actor, p.orderId);
      if (order.status !== 'active' || (await orderFinished(db, p.orderId))) throw errors.orderFinished();
      const at = now();
      dueWindow(p, at);
      const ackDueAt = p.ackDueAt ?? order.ack_due_at;
      const completeDueAt = p.completeDueAt ?? order.complete_due_at;
      if (p.ackDueAt !== undefined && p.ackDueAt <= at)
        throw errors.invalid('the acknowledgement deadline is in the past');
      if (completeDueAt < ackDueAt)
        throw errors.invalid('the completion deadline is before the acknowledgement deadline');
      const changed = Object.entries({
        title: p.title,
        body: p.body,
        ackDueAt: p.ackDueAt,
        completeDueAt: p.completeDueAt,
      })
        .filter(([, v]) => v !== undefined)
        .map(([k]) => k);
      await db.transaction().execute(async (trx) => {
        const rev = await takeRev(trx);
        await trx
          .updateTable('orders')
          .set({
            ...(p.title ? { title: p.title } : {}),
            ...(p.body ? { body: p.body } : {}),
            ack_due_at: ackDueAt,
            complete_due_at: completeDueAt,
            updated_at: at,
            rev,
          })
          .where('id', '=', p.orderId)
          .execute();
        await trx.updateTable('order_recipients').set({ rev }).where('order_id', '=', p.orderId).execute();
        // New deadlines re-arm the chase of those still due.
        await trx
          .updateTable('order_recipients')
          .set({ next_chase_at: ackDueAt })
          .where('order_id', '=', p.orderId)
          .where('state', 'in', ['pending', 'delivered', 'read'])
          .execute();
        await trx
          .updateTable('order_recipients')
          .set({ next_chase_at: completeDueAt })
          .where('order_id', '=', p.orderId)
          .where('state', '=', 'acknowledged')
          .execute();
        await writeEvent(trx, { orderId: p.orderId, actorId: actor.id, kind: 'amended', text: changed.join(','), at });
      });
      notify.orderChanged(p.orderId, await recipientsOf(p.orderId));
      notify.boardChanged(p.orderId);
      return (await views.order(p.orderId))!;
    },
  };
}
