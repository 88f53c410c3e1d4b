import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { seedOrderHistory } from '../../test-support/order-history.ts';
import { queryCounter } from '../../test-support/query-counter.ts';
import { seededStore } from '../../test-support/seeded-store.ts';
import { storeDialects } from '../../test-support/services.ts';
import { ACTIVITY_KINDS, type BoardView, type RecipientState } from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import { searchOrders } from './order-search.ts';
import { createOrderViews } from './order-views.ts';

const PAGE = 50;
/** States at or past each count (a returned recipient had received and read it). */
const COUNTED: Record<'delivered' | 'read' | 'acknowledged' | 'completed' | 'returned', RecipientState[]> = {
  delivered: ['delivered', 'read', 'acknowledged', 'completed', 'returned'],
  read: ['read', 'acknowledged', 'completed', 'returned'],
  acknowledged: ['acknowledged', 'completed'],
  completed: ['completed'],
  returned: ['returned'],
};

/**
 * The board of one order worked out in memory from all of its raw rows: the reference the store's
 * board reads must agree with, whatever they batch or bound.
 */
async function referenceBoard(db: Kysely<Database>, orderId: string, now: number): Promise<BoardView> {
  const o = await db.selectFrom('orders').selectAll().where('id', '=', orderId).executeTakeFirstOrThrow();
  const rs = await db
    .selectFrom('order_recipients as r')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .select(['r.user_id', 'u.name', 'r.state', 'r.feedback', 'r.returned_at'])
    .where('r.order_id', '=', orderId)
    .orderBy('u.name')
    .execute();
  const subs = await db
    .selectFrom('order_recipients as r')
    .innerJoin('orders as s', 's.id', 'r.order_id')
    .select('r.state')
    .where('s.parent_order_id', '=', orderId)
    .execute();
  const events = await db
    .selectFrom('order_events as e')
    .leftJoin('users as a', 'a.id', 'e.actor_id')
    .select(['e.id', 'e.at', 'e.kind', 'e.text', 'e.actor_id', 'a.name as actor_name', 'e.subject_id'])
    .where('e.order_id', '=', orderId)
    .orderBy('e.id')
    .execute();
  const having = (states: RecipientState[]) => rs.filter((r) => states.includes(r.state)).length;
  const late = (s: RecipientState) =>
    o.status === 'active' &&
    s !== 'completed' &&
    s !== 'returned' &&
    ((s !== 'acknowledged' && now > o.ack_due_at) || now > o.complete_due_at);
  const reassignedTo = new Map(events.filter((e) => e.kind === 'reassigned').map((e) => [e.subject_id, e.text]));
  const latest = events.filter((e) => (ACTIVITY_KINDS as readonly string[]).includes(e.kind)).at(-1);
  return {
    orderId,
    counts: {
      total: rs.length,
      delivered: having(COUNTED.delivered),
      read: having(COUNTED.read),
      acknowledged: having(COUNTED.acknowledged),
      completed: having(COUNTED.completed),
      returned: having(COUNTED.returned),
      overdue: rs.filter((r) => late(r.state)).length,
    },
    pending: rs
      .filter((r) => ['pending', 'delivered', 'read'].includes(r.state))
      .slice(0, 50)
      .map((r) => ({ userId: r.user_id, name: r.name, state: r.state })),
    forwarded: {
      total: subs.length,
      acknowledged: subs.filter((r) => COUNTED.acknowledged.includes(r.state)).length,
      completed: subs.filter((r) => r.state === 'completed').length,
    },
    returns: rs
      .filter((r) => r.state === 'returned')
      .sort((a, b) => a.returned_at! - b.returned_at!)
      .slice(0, 50)
      .map((r) => ({
        userId: r.user_id,
        name: r.name,
        reason: r.feedback,
        at: r.returned_at!,
        reassignedTo: reassignedTo.get(r.user_id) ?? null,
      })),
    latest: latest
      ? {
          id: latest.id,
          at: latest.at,
          kind: latest.kind as NonNullable<BoardView['latest']>['kind'],
          text: latest.text,
          actor: latest.actor_id ? { id: latest.actor_id, name: latest.actor_name ?? '' } : null,
          order: { id: o.id, title: o.title, priority: o.priority, parentOrderId: o.parent_order_id },
        }
      : null,
  };
}

/**
 * The board lists (进行中 and 已完成, and the search that pages them) on a month of orders, on both
 * stores: every card's board equals the one worked out from the order's raw rows.
 */
for (const dialect of await storeDialects()) {
  describe.skipIf(!dialect.available)(`board lists of a seeded history on ${dialect.name}`, () => {
    const store = seededStore(dialect, 'board-lists');

    it('gives every listed order, page after page, the board its rows make', async () => {
      const db = store().db;
      const history = await seedOrderHistory(db, { orders: 200 });
      const counter = queryCounter();
      const counted = db.withPlugin(counter.plugin);
      const views = createOrderViews(counted, () => history.now);
      const all: string[] = [];
      const boards: BoardView[] = [];
      for (const state of ['active', 'finished'] as const) {
        const listed: string[] = [];
        let before: string | undefined;
        for (;;) {
          const queriesBefore = counter.queries;
          const page = await searchOrders(counted, views, history.scopePath, { state, before }, PAGE);
          // A page of 50 boards costs a few queries (one per kind of row), not a few per order.
          expect(counter.queries - queriesBefore, `queries for a page of ${page.orders.length}`).toBeLessThanOrEqual(
            10,
          );
          for (const { order, board } of page.orders) {
            expect(board, `${state} ${order.id}`).toEqual(await referenceBoard(db, order.id, history.now));
            listed.push(order.id);
            boards.push(board);
          }
          if (!page.more) break;
          before = listed.at(-1);
        }
        expect(listed, 'newest first').toEqual([...listed].sort().reverse());
        expect(listed.length, 'more than a page').toBeGreaterThan(PAGE);
        all.push(...listed);
      }
      // Between them the lists hold every top-level order once.
      expect(all.sort()).toEqual([...history.orderIds].sort());
      // The history exercised every part of a board, the bounds included.
      expect(boards.some((b) => b.counts.overdue > 0)).toBe(true);
      expect(boards.some((b) => b.forwarded.total > 0)).toBe(true);
      expect(boards.some((b) => b.returns.some((r) => r.reassignedTo !== null))).toBe(true);
      expect(boards.some((b) => b.pending.length === 50 && b.counts.total - b.counts.acknowledged > 50)).toBe(true);
      expect(boards.some((b) => b.returns.length === 50 && b.counts.returned > 50)).toBe(true);
      expect(boards.some((b) => b.latest === null) && boards.some((b) => b.latest?.kind === 'note')).toBe(true);
    });
  });
}
