import type { Kysely } from 'kysely';
import type { Logger } from '../logger.ts';
import { createFanout } from '../realtime/fanout.ts';
import { rooms, type HubServer } from '../realtime/types.ts';
import type { ProgressBatch } from '../protocol/index.ts';
import { personById, unitById } from '../org/org-queries.ts';
import type { Database } from '../store/schema.ts';
import type { OrderNotifier } from './order.service.ts';
import type { OrderViews } from './order-views.ts';

/** Board pushes per order at most this often: a dispatcher watching 5,000 recipients gets a few updates a second, not 20,000 events. */
const BOARD_COALESCE_MS = 250;

/** Activity entries per changed order a flush sends to the command room: the newest few. */
const ACTIVITY_PER_FLUSH = 5;
/** Orders whose newest sent activity this node remembers (to skip flushes that found nothing new). */
const ACTIVITY_MEMORY = 10_000;

/** Room of the dispatchers watching one order's board. */
export const boardRoom = (orderId: string) => `order-board:${orderId}`;
/** What every dispatch room's name starts with. */
export const DISPATCH_ROOM_PREFIX = 'dispatch:';
/** Room of the dispatchers whose command scope is this unit. */
export const dispatchRoom = (scopeUnitId: string) => `${DISPATCH_ROOM_PREFIX}${scopeUnitId}`;

/**
 * Turns the order service's persisted facts into Socket.IO events. One emit reaches a whole
 * recipient list (one adapter message across nodes, served there before here: see fanout.ts);
 * board updates are coalesced per order.
 */
export function createOrderNotifier(deps: {
  db: Kysely<Database>;
  views: OrderViews;
  log: Logger;
  io: HubServer;
  /** Whether other nodes take part (the Redis adapter): their batches then arrive here too. */
  crossNode: boolean;
}): OrderNotifier & { close(): void } {
  const { views, log, io } = deps;
  const fanout = createFanout(io, deps.crossNode);
  const dirty = new Set<string>();
  /** Order id → the newest activity entry this node sent for it. */
  const activitySent = new Map<string, string>();
  let timer: NodeJS.Timeout | undefined;

  const fail = (what: string) => (err: unknown) => log.error({ err, what }, 'order notification failed');

  async function flushBoards(): Promise<void> {
    timer = undefined;
    const ids = [...dirty];
    dirty.clear();
    // A forwarded sub-order rolls up into its parent's board: that one changed too.
    const parents = await deps.db
      .selectFrom('orders')
      .select('parent_order_id')
      .where('id', 'in', ids)
      .where('parent_order_id', 'is not', null)
      .execute();
    for (const p of parents) if (p.parent_order_id && !ids.includes(p.parent_order_id)) ids.push(p.parent_order_id);
    const boards = await views.boards(ids);
    for (const id of ids) io.to(boardRoom(id)).emit('order:board', boards.get(id)!);
    await flushActivity(ids);
  }

  /**
   * The command room's live feed: the newest activity of each changed order goes to the
   * dispatchers whose scope holds it. A receipt burst sends a few entries a flush, not one event
   * per receipt; clients merge by id (and catch up with `order:activity` after a reconnect).
   */
  async function flushActivity(ids: string[]): Promise<void> {
    const scopes = await deps.db
      .selectFrom('orders')
      .innerJoin('units', 'units.id', 'orders.scope_unit_id')
      .select(['orders.id', 'units.path'])
      .where('orders.id', 'in', ids)
      .execute();
    if (activitySent.size > ACTIVITY_MEMORY) activitySent.clear();
    for (const { id, path } of scopes) {
      const entries = await views.activity.recent(id, ACTIVITY_PER_FLUSH);
      if (entries.length === 0 || activitySent.get(id) === entries[0]!.id) continue;
      activitySent.set(id, entries[0]!.id);
      io.to(path.split('/').filter(Boolean).map(dispatchRoom)).emit('order:activity-logged', { entries });
    }
  }

  /**
   * Hands this node's sockets their person's assignment, except the socket the change came from
   * (answered already): when 10,000 officers acknowledge from their one device each, that is no
   * frame at all rather than 10,000. A person with no other socket here costs a lookup.
   */
  function progressLocally(batch: ProgressBatch): void {
    const here = io.of('/').adapter.rooms;
    for (const { userId, origin, ...assignment } of batch.assignments) {
      const room = rooms.user(userId);
      const sockets = here.get(room);
      if (!sockets || (origin !== undefined && sockets.size === 1 && sockets.has(origin))) continue;
      io.local
        .to(room)
        .except(origin ?? [])
        .emit('order:progressed', { order: batch.order, ...assignment });
    }
  }

  // With other nodes, their progress batches arrive here too.
  if (deps.crossNode) io.on('order:progressed', progressLocally);

  const titleOf = async (orderId: string) => (await views.order(orderId))!;

  return {
    assigned(order, rev, audience) {
      const view = {
        order,
        state: 'pending',
        deliveredAt: null,
        readAt: null,
        acknowledgedAt: null,
        completedAt: null,
        feedback: null,
        rev,
      } as const;
      const to = [
        ...audience.units.flatMap((u) =>
          u.unitIds.flatMap((unitId) => u.roles.map((role) => rooms.unitRole(unitId, role))),
        ),
        ...audience.people.map(rooms.user),
      ];
      fanout.emit(to, 'order:assigned', view, [rooms.user(audience.except)]).catch(fail('assigned'));
    },
    assignmentsChanged(orderId, changes) {
      // Two reads for the whole batch and one adapter message for it, not one per person: emitting
      // to each person's room would publish thousands of messages that every node decodes.
      const origins = new Map(changes.map((c) => [c.userId, c.origin]));
      void views
        .assignments(orderId, [...origins.keys()])
        .then((batch) => {
          if (!batch) return;
          for (const a of batch.assignments) a.origin = origins.get(a.userId);
          if (fanout.crossNode) io.serverSideEmit('order:progressed', batch);
          return fanout.thenLocal(() => progressLocally(batch));
        })
        .catch(fail('progressed'));
    },
    issued(order, scopeUnitId) {
      void (async () => {
        // Every dispatcher whose scope holds the new order's scope: the scope and its ancestors.
        const scope = await unitById(deps.db, scopeUnitId);
        if (!scope) return;
        const board = await views.board(order.id);
        io.to(scope.path.split('/').filter(Boolean).map(dispatchRoom)).emit('order:issued', { order, board });
      })().catch(fail('issued'));
    },
    orderChanged(orderId, userIds) {
      void views
        .order(orderId)
        .then((order) => io.to(userIds.map(rooms.user)).emit('order:changed', order!))
        .catch(fail('changed'));
    },
    boardChanged(orderId) {
      dirty.add(orderId);
      timer ??= setTimeout(() => void flushBoards().catch(fail('board')), BOARD_COALESCE_MS);
    },
    reminded(orderId, userIds, phase, manual) {
      void titleOf(orderId)
        .then((o) =>
          io
            .to(userIds.map(rooms.user))
            .emit('order:reminded', { orderId, title: o.title, priority: o.priority, phase, manual }),
        )
        .catch(fail('reminded'));
    },
    escalated(orderId, subjectId, toUserIds, phase) {
      void (async () => {
        const o = await titleOf(orderId);
        const person = await personById(deps.db, subjectId);
        if (!person) return;
        const subject = { id: person.id, name: person.name };
        if (toUserIds.length)
          io.to(toUserIds.map(rooms.user)).emit('order:escalated', { orderId, title: o.title, phase, subject });
      })().catch(fail('escalated'));
    },
    close() {
      if (timer) clearTimeout(timer);
    },
  };
}
