import { actorOf } from '../auth/authenticator.ts';
import type { DutyService } from '../org/duty.service.ts';
import {
  createOrderPayload,
  dutyPayload,
  orderActionPayload,
  orderActivityPayload,
  orderAmendPayload,
  orderCancelPayload,
  orderChasePayload,
  orderForwardPayload,
  orderReassignPayload,
  orderReceiptPayload,
  orderSearchPayload,
  orderSyncPayload,
  orderWatchPayload,
} from '../protocol/schemas.ts';
import { createJoinTracker } from '../realtime/join-tracker.ts';
import type { SocketModule } from '../realtime/realtime-server.ts';
import { boardRoom, DISPATCH_ROOM_PREFIX, dispatchRoom } from './order-notifier.ts';
import type { OrderService } from './order.service.ts';

/** Socket.IO commands of command orders: validate (in define) → service → ack. No rules here. */
export function orderSocketModule(orders: OrderService, duty: DutyService): SocketModule {
  const rooms = createJoinTracker();
  return {
    connect(socket) {
      // Dispatchers hear of every new order in their command scope, whoever sent it. Tracked: the
      // catch-up commands answer only once the room is joined, so an order sent after their answer
      // arrives live (one sent before it is in what the client reads next).
      rooms.track(
        socket,
        orders
          .dispatchScopeId(actorOf(socket.data.principal))
          .then((scopeId) => scopeId && socket.join(dispatchRoom(scopeId))),
      );
    },
    commands(define) {
      define('order:create', createOrderPayload, (p, { actor }) => orders.create(actor, p));
      define('order:receipt', orderReceiptPayload, (p, { actor }) => orders.receipts(actor, p));
      define('order:act', orderActionPayload, (p, { actor, socket }) => orders.act(actor, p, socket.id));
      define('order:forward', orderForwardPayload, (p, { actor }) => orders.forward(actor, p));
      define('order:sync', orderSyncPayload, async (p, { actor, socket }) => {
        await rooms.joined(socket);
        return orders.sync(actor, p.since);
      });
      define('order:watch', orderWatchPayload, async (p, { actor, socket }) => {
        // The command scope the connect read: the one dispatch room the socket joined, if any.
        const [scopeId = null] = await rooms.joinedIds(socket, DISPATCH_ROOM_PREFIX);
        const allowed = await orders.watchable(actor, p.orderIds, scopeId);
        // The boards watched so far are the socket's board rooms: the new list replaces them.
        for (const room of socket.rooms)
          if (room.startsWith(boardRoom('')) && !allowed.includes(room.slice(boardRoom('').length)))
            void socket.leave(room);
        await socket.join(allowed.map(boardRoom));
        return { boards: await orders.boardsUnchecked(allowed) };
      });
      define('order:chase', orderChasePayload, (p, { actor }) => orders.chase(actor, p.orderId, p.userIds));
      define('order:cancel', orderCancelPayload, async (p, { actor }) => ({
        order: await orders.cancel(actor, p.orderId, p.reason),
      }));
      define('order:amend', orderAmendPayload, async (p, { actor }) => ({ order: await orders.amend(actor, p) }));
      // The feed's catch-up answers once the dispatch room is joined: anything after it arrives live.
      define('order:activity', orderActivityPayload, async (p, { actor, socket }) => {
        await rooms.joined(socket);
        return orders.activity(actor, p);
      });
      define('order:search', orderSearchPayload, (p, { actor }) => orders.search(actor, p));
      define('order:reassign', orderReassignPayload, (p, { actor }) => orders.reassign(actor, p));
      define('duty:set', dutyPayload, (p, { actor }) => duty.set(actor, p.onDuty));
    },
  };
}
