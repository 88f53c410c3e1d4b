import { sql, type Kysely } from 'kysely';
import type { Actor } from '../auth/permissions.ts';
import { can } from '../auth/permissions.ts';
import { HubError, errors } from '../errors.ts';
import { newId } from '../ids.ts';
import {
  DEFAULT_DEADLINES_MIN,
  STATE_RANK,
  type ChasePhase,
  type BoardView,
  type CreateOrderPayload,
  type OrderActionPayload,
  type OrderForwardPayload,
  type OrderTimelineEntry,
  type OrderReceiptPayload,
  type OrderView,
  type RecipientState,
  TIME_WINDOWS,
} from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import { checkWindow } from '../time-window.ts';
import { incidentStationPath } from '../incidents/incident-queries.ts';
import { dispatchScope } from '../org/dispatch-scope.ts';
import { unitById } from '../org/org-queries.ts';
import { takeRevs } from './order-revs.ts';
import { resolveRecipients, type Audience, type Recipients } from './order-targets.ts';
import type { OrderViews } from './order-views.ts';
import type { ReceiptBatcher } from './receipt-batcher.ts';

/** Someone's assignment moved; `origin` is the opaque id of the connection that moved it, if any. */
export interface AssignmentChange {
  userId: string;
  origin?: string | undefined;
}

/** What the service tells the transport after a write has been persisted. It never emits itself. */
export interface OrderNotifier {
  /** New assignments, all at `rev`: everyone in the audience has a new order. */
  assigned(order: OrderView, rev: number, audience: Audience): void;
  /** The order changed (amended, cancelled) for these recipients. */
  orderChanged(orderId: string, userIds: string[]): void;
  /** These people's assignments of one order moved: their other devices follow (not `origin`, where the change was made). */
  assignmentsChanged(orderId: string, changes: AssignmentChange[]): void;
  /** A new order in a command scope: the dispatchers whose scope holds it see it appear. */
  issued(order: OrderView, scopeUnitId: string): void;
  /** The board of this order has changed; the transport coalesces. */
  boardChanged(orderId: string): void;
  /** Chase (催办) these recipients: by hand, or the sweep's reminder at a deadline. */
  reminded(orderId: string, userIds: string[], phase: ChasePhase, manual: boolean): void;
  /** A recipient stayed late past every reminder: tell their station head and the issuer (通报). */
  escalated(orderId: string, subjectId: string, toUserIds: string[], phase: ChasePhase): void;
}

/** Command orders: the rules of the closed loop, transport-free. */
export function createOrderService(deps: {
  db: Kysely<Database>;
  views: OrderViews;
  batcher: ReceiptBatcher;
  notify: OrderNotifier;
  now?: () => number;
}) {
  const { db, views, notify } = deps;
  const now = deps.now ?? Date.now;

  async function requireScope(actor: Actor) {
    if (!can.issueOrders(actor)) throw errors.forbidden('only the command room and station heads issue orders');
    const scope = await dispatchScope(db, actor.unitId);
    if (!scope) throw errors.forbidden('you have no command scope');
    return scope;
  }

  /** The order row if `actor` may manage it (issuer, or a dispatcher whose scope holds it). */
  async function managedOrder(actor: Actor, orderId: string) {
    const order = await db
      .selectFrom('orders')
      .innerJoin('units', 'units.id', 'orders.scope_unit_id')
      .select([
        'orders.id',
        'orders.issuer_id',
        'orders.status',
        'orders.ack_due_at',
        'orders.complete_due_at',
        'units.path as scope_path',
      ])
      .where('orders.id', '=', orderId)
      .executeTakeFirst();
    if (!order) throw errors.notFound('order');
    let holds = false;
    if (can.issueOrders(actor)) {
      const scope = await dispatchScope(db, actor.unitId);
      holds = scope !== undefined && order.scope_path.startsWith(scope.path);
    }
    if (!can.manageOrder(actor, { issuerId: order.issuer_id }, holds)) throw errors.notFound('order');
    return order;
  }

  async function assignment(actor: Actor, orderId: string) {
    const row = await db
      .selectFrom('order_recipients as r')
      .innerJoin('orders as o', 'o.id', 'r.order_id')
      .select(['r.state', 'o.status', 'o.issuer_id'])
      .where('r.order_id', '=', orderId)
      .where('r.user_id', '=', actor.id)
      .executeTakeFirst();
    // Only the caller's own row is looked up, so someone else's assignment and none at all look
    // the same: guessed ids reveal nothing.
    if (!row) throw errors.notFound('assignment');
    return row;
  }

  async function recipientsOf(orderId: string): Promise<string[]> {
    return (await db.selectFrom('order_recipients').select('user_id').where('order_id', '=', orderId).execute()).map(
      (r) => r.user_id,
    );
  }

  async function writeEvent(
    exec: Kysely<Database>,
    e: {
      orderId: string;
      actorId: string | null;
      subjectId?: string | null;
      kind: string;
      clientId?: string | null;
      text?: string | null;
      at: number;
    },
  ) {
    await exec
      .insertInto('order_events')
      .values({
        id: newId(),
        order_id: e.orderId,
        at: e.at,
        actor_id: e.actorId,
        subject_id: e.subjectId ?? null,
        kind: e.kind,
        client_id: e.clientId ?? null,
        text: e.text ?? null,
      })
      .execute();
  }

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
      const rev = await takeRevs(trx, 1);
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

    /** Delivery and read receipts for the caller's own assignments (batched writes). */
    async receipts(actor: Actor, p: OrderReceiptPayload): Promise<{ updated: number }> {
      const at = now();
      const results = await Promise.all(
        [...new Set(p.orderIds)].map((orderId) =>
          deps.batcher.apply({ orderId, userId: actor.id, state: p.state, at }),
        ),
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
        if (
          await deps.batcher.apply({ orderId: p.orderId, userId: actor.id, state: 'acknowledged', at: now(), origin })
        )
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
        const rev = await takeRevs(trx, 1);
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

    /**
     * Changes this person's assignments since a cursor: the reconnect catch-up. A cursor beyond
     * anything this store handed out (a store reset or restored) answers `reset`, and the client
     * starts again from 0.
     */
    async sync(actor: Actor, since: number) {
      const counter = await db
        .selectFrom('counters')
        .select('value')
        .where('name', '=', 'order_rev')
        .executeTakeFirstOrThrow();
      if (since > Number(counter.value)) return { assignments: [], cursor: 0, more: false, reset: true };
      return { ...(await views.assignmentsSince(actor.id, since)), reset: false };
    },

    async board(actor: Actor, orderId: string): Promise<BoardView> {
      await managedOrder(actor, orderId);
      return views.board(orderId);
    },

    /** The unit whose subtree this person commands, or null for those who issue no orders. */
    async dispatchScopeId(actor: Actor): Promise<string | null> {
      if (!can.issueOrders(actor)) return null;
      return (await dispatchScope(db, actor.unitId))?.id ?? null;
    },

    /** Board without a permission check, for the transport's coalesced pushes to a watched room. */
    boardUnchecked: (orderId: string) => views.board(orderId),

    /** Checks the caller may watch these boards; returns the ones they may. */
    async watchable(actor: Actor, orderIds: string[]): Promise<string[]> {
      const ok: string[] = [];
      for (const id of orderIds) {
        try {
          await managedOrder(actor, id);
          ok.push(id);
        } catch (err) {
          // Not theirs (or no such order): left out without saying which.
          if (!(err instanceof HubError && err.code === 'not_found')) throw err;
        }
      }
      return ok;
    },

    /**
     * Who did what, when. The order's managers see everything; a recipient sees the order's own
     * history (sent, amended, cancelled) and what concerns them, never their colleagues' entries.
     */
    async timeline(actor: Actor, orderId: string): Promise<OrderTimelineEntry[]> {
      let ownOnly = false;
      try {
        await managedOrder(actor, orderId);
      } catch (err) {
        if (!(err instanceof HubError && err.code === 'not_found')) throw err;
        await assignment(actor, orderId);
        ownOnly = true;
      }
      const rows = await db
        .selectFrom('order_events as e')
        .leftJoin('users as a', 'a.id', 'e.actor_id')
        .leftJoin('users as s', 's.id', 'e.subject_id')
        .select([
          'e.id',
          'e.at',
          'e.kind',
          'e.text',
          'e.actor_id',
          'a.name as actor_name',
          'e.subject_id',
          's.name as subject_name',
        ])
        .where('e.order_id', '=', orderId)
        .$if(ownOnly, (q) =>
          q.where((eb) =>
            eb.or([
              eb('e.subject_id', '=', actor.id),
              eb('e.actor_id', '=', actor.id),
              eb('e.kind', 'in', ['created', 'amended', 'cancelled']),
            ]),
          ),
        )
        .orderBy('e.id')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        at: r.at,
        kind: r.kind as OrderTimelineEntry['kind'],
        text: r.text,
        actor: r.actor_id ? { id: r.actor_id, name: r.actor_name ?? '' } : null,
        subject: r.subject_id ? { id: r.subject_id, name: r.subject_name ?? '' } : null,
      }));
    },

    /** The dispatcher's own orders (and their scope's), newest first, with board counts. */
    async issued(actor: Actor, opts: { status?: 'active' | 'cancelled'; limit?: number } = {}) {
      const scope = await requireScope(actor);
      const rows = await views
        .orderSelect()
        .innerJoin('units as scope', 'scope.id', 'orders.scope_unit_id')
        .where('scope.path', 'like', `${scope.path}%`)
        .where('orders.parent_order_id', 'is', null)
        .$if(opts.status !== undefined, (q) => q.where('orders.status', '=', opts.status!))
        .orderBy('orders.id', 'desc')
        .limit(opts.limit ?? 50)
        .execute();
      return Promise.all(rows.map(async (r) => ({ order: views.toOrderView(r), board: await views.board(r.id) })));
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
      await db.transaction().execute(async (trx) => {
        for (const u of chased) await writeEvent(trx, { orderId, actorId: actor.id, subjectId: u, kind: 'chased', at });
      });
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
      if (order.status !== 'active') throw errors.conflict('the order is already cancelled');
      const at = now();
      await db.transaction().execute(async (trx) => {
        const rev = await takeRevs(trx, 1);
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
      if (order.status !== 'active') throw errors.conflict('a cancelled order cannot be amended');
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
        const rev = await takeRevs(trx, 1);
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
export type OrderService = ReturnType<typeof createOrderService>;
