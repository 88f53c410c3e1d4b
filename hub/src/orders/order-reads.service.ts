import type { Actor } from '../auth/permissions.ts';
import { can } from '../auth/permissions.ts';
import { errors, HubError } from '../errors.ts';
import { dispatchScope } from '../org/dispatch-scope.ts';
import {
  ORDER_SEARCH_PAGE,
  type BoardView,
  type OrderActivityPayload,
  type OrderSearchPayload,
  type OrderTimelineEntry,
} from '../protocol/index.ts';
import { createRateLimiter } from '../rate-limiter.ts';
import type { OrderContext } from './order-context.ts';
import { revHorizon } from './order-revs.ts';
import { searchOrders } from './order-search.ts';

/** A board lists this many orders at once. */
const BOARD_LIST = 50;
/** The activity page when the client names none. */
const ACTIVITY_PAGE = 30;

/** Reading orders: a recipient's catch-up, the dispatcher's boards, lists and timelines. */
export function createOrderReads(ctx: OrderContext) {
  const { db, views, requireScope, managedOrders, managedOrder, assignment } = ctx;
  // Searches scan text: a burst, then two a second per person (per node, like every bucket here).
  const searches = createRateLimiter({ capacity: 20, perSecond: 2, now: ctx.now });
  // Activity pages walk the scope's event log: a longer burst (scrolling back), then five a second.
  const activityPages = createRateLimiter({ capacity: 30, perSecond: 5, now: ctx.now });

  return {
    /**
     * Changes this person's assignments since a cursor: the reconnect catch-up. A cursor beyond
     * anything this store handed out (a store reset or restored) answers `reset`, and the client
     * starts again from 0. Only changes up to the horizon are read: one that took a lower rev but
     * has not committed yet is never stepped over.
     */
    async sync(actor: Actor, since: number) {
      const horizon = await revHorizon(db);
      if (since > horizon.issued) return { assignments: [], cursor: 0, more: false, reset: true };
      return { ...(await views.assignmentsSince(actor.id, since, horizon.complete)), reset: false };
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
    /** Boards without a permission check, in the order asked, for the transport (watch, coalesced pushes). */
    async boardsUnchecked(orderIds: string[]): Promise<BoardView[]> {
      const boards = await views.boards(orderIds);
      return orderIds.map((id) => boards.get(id)!);
    },
    /**
     * Checks the caller may watch these boards; returns the ones they may (others left out without
     * saying which). `scopeId`: the caller's command scope, when known (see managedOrders).
     */
    async watchable(actor: Actor, orderIds: string[], scopeId?: string | null): Promise<string[]> {
      const theirs = await managedOrders(actor, orderIds, scopeId);
      return orderIds.filter((id) => theirs.has(id));
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
    /**
     * The dispatcher's orders (their own and their scope's), active or finished, newest first, with
     * board counts: what the board lists before anyone searches.
     */
    async issued(actor: Actor, opts: { state?: 'active' | 'finished' } = {}) {
      const scope = await requireScope(actor);
      return (await searchOrders(db, views, scope.path, { state: opts.state ?? 'active' }, BOARD_LIST)).orders;
    },
    /** Orders of the caller's scope by text, incident number, person and sending time; rate-limited. */
    async search(actor: Actor, p: OrderSearchPayload) {
      const scope = await requireScope(actor);
      const wait = searches.take(actor.id);
      if (wait > 0) throw errors.rateLimited(wait);
      return searchOrders(db, views, scope.path, p, ORDER_SEARCH_PAGE);
    },
    /** The command room's activity feed: the scope's newest activity, or the page before `before`; rate-limited. */
    async activity(actor: Actor, p: OrderActivityPayload) {
      const scope = await requireScope(actor);
      const wait = activityPages.take(actor.id);
      if (wait > 0) throw errors.rateLimited(wait);
      return views.activity.page(scope.path, { before: p.before, limit: p.limit ?? ACTIVITY_PAGE });
    },
  };
}
