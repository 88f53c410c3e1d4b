import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { seedOrderHistory } from '../../test-support/order-history.ts';
import { queryCounter } from '../../test-support/query-counter.ts';
import { seededStore } from '../../test-support/seeded-store.ts';
import { storeDialects } from '../../test-support/services.ts';
import { seedDemoHistory } from '../demo/demo-history.ts';
import { provisionGroups } from '../groups/group-provisioning.ts';
import { ACTIVITY_KINDS, type BoardView, type RecipientState } from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import { searchOrders } from './order-search.ts';
import { createOrderViews } from './order-views.ts';

const PAGE = 50;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
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
 * Pages through the 进行中 and 已完成 lists of a scope as the board does, checking each card's board
 * against the reference and each page's cost in queries; returns the ids listed (newest first per
 * list) and the boards seen.
 */
async function walkLists(db: Kysely<Database>, scopePath: string, now: number) {
  const counter = queryCounter();
  const counted = db.withPlugin(counter.plugin);
  const views = createOrderViews(counted, () => now);
  const lists = { active: [] as string[], finished: [] as string[] };
  const boards: BoardView[] = [];
  for (const state of ['active', 'finished'] as const) {
    const listed = lists[state];
    for (let more = true; more;) {
      const queriesBefore = counter.queries;
      const page = await searchOrders(counted, views, scopePath, { state, before: listed.at(-1) }, PAGE);
      // A page of 50 boards costs a few queries (one per kind of row), not a few per order.
      expect(counter.queries - queriesBefore, `queries for a page of ${page.orders.length}`).toBeLessThanOrEqual(10);
      for (const { order, board } of page.orders) {
        expect(board, `${state} ${order.id}`).toEqual(await referenceBoard(db, order.id, now));
        listed.push(order.id);
        boards.push(board);
      }
      more = page.more;
    }
    expect(listed, 'newest first').toEqual([...listed].sort().reverse());
  }
  return { lists, boards };
}

/**
 * The board lists (进行中 and 已完成, and the search that pages them) on both stores: every card's
 * board equals the one worked out from the order's raw rows, on a history built to reach every
 * part and bound of a board, and on the demo's month.
 */
for (const dialect of await storeDialects()) {
  describe.skipIf(!dialect.available)(`board lists of a seeded history on ${dialect.name}`, () => {
    const store = seededStore(dialect, 'board-lists');

    it('gives every listed order, page after page, the board its rows make', async () => {
      const db = store().db;
      const history = await seedOrderHistory(db, { orders: 200 });
      const { lists, boards } = await walkLists(db, history.scopePath, history.now);
      expect(lists.active.length, 'more than a page').toBeGreaterThan(PAGE);
      expect(lists.finished.length, 'more than a page').toBeGreaterThan(PAGE);
      // Between them the lists hold every top-level order once.
      expect([...lists.active, ...lists.finished].sort()).toEqual([...history.orderIds].sort());
      // The history exercised every part of a board, the bounds included.
      expect(boards.some((b) => b.counts.overdue > 0)).toBe(true);
      expect(boards.some((b) => b.forwarded.total > 0)).toBe(true);
      expect(boards.some((b) => b.returns.some((r) => r.reassignedTo !== null))).toBe(true);
      expect(boards.some((b) => b.pending.length === 50 && b.counts.total - b.counts.acknowledged > 50)).toBe(true);
      expect(boards.some((b) => b.returns.length === 50 && b.counts.returned > 50)).toBe(true);
      expect(boards.some((b) => b.latest === null) && boards.some((b) => b.latest?.kind === 'note')).toBe(true);
    });
  });

  describe.skipIf(!dialect.available)(`board lists of the demo's month on ${dialect.name}`, () => {
    const store = seededStore(dialect, 'board-lists-demo');

    it('gives every listed order of each station the board its rows make', async () => {
      const db = store().db;
      const now = Date.UTC(2026, 1, 1);
      await provisionGroups(db, now - 40 * DAY);
      const written = await seedDemoHistory(db, { now, timeZone: 'Asia/Shanghai', days: 30, responseMs: HOUR });
      expect(written?.orders).toBeGreaterThan(0);
      const stations = await db.selectFrom('units').select('path').where('kind', '=', 'station').execute();
      let listed = 0;
      for (const { path } of stations) {
        const { lists } = await walkLists(db, path, now);
        listed += lists.active.length + lists.finished.length;
      }
      expect(listed).toBeGreaterThan(0);
    });
  });
}
