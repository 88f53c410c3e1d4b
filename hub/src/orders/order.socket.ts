import { actorOf } from '../auth/authenticator.ts';
import type { DutyService } from '../org/duty.service.ts';
import {
  createOrderPayload,
  dutyPayload,
  orderActionPayload,
  orderAmendPayload,
  orderCancelPayload,
  orderChasePayload,
  orderForwardPayload,
  orderReceiptPayload,
  orderSyncPayload,
  orderWatchPayload,
} from '../protocol/index.ts';
import type { SocketModule } from '../realtime/realtime-server.ts';
import { boardRoom, dispatchRoom } from './order-notifier.ts';
import type { OrderService } from './order.service.ts';

/** Socket.IO handlers of command orders: validate (in define) → service → ack. No rules here. */
export function orderSocketModule(orders: OrderService, duty: DutyService): SocketModule {
  return (socket, define) => {
    const actor = actorOf(socket.data.principal);
    let watching: string[] = [];
    // Dispatchers hear of every new order in their command scope, whoever sent it.
    void orders.dispatchScopeId(actor).then((scopeId) => scopeId && socket.join(dispatchRoom(scopeId)));

    define('order:create', createOrderPayload, (p) => orders.create(actor, p));
    define('order:receipt', orderReceiptPayload, (p) => orders.receipts(actor, p));
    define('order:act', orderActionPayload, (p) => orders.act(actor, p));
    define('order:forward', orderForwardPayload, (p) => orders.forward(actor, p));
    define('order:sync', orderSyncPayload, (p) => orders.sync(actor, p.since));
    define('order:watch', orderWatchPayload, async (p) => {
      const allowed = await orders.watchable(actor, p.orderIds);
      for (const id of watching) if (!allowed.includes(id)) void socket.leave(boardRoom(id));
      await socket.join(allowed.map(boardRoom));
      watching = allowed;
      return { boards: await Promise.all(allowed.map((id) => orders.boardUnchecked(id))) };
    });
    define('order:chase', orderChasePayload, (p) => orders.chase(actor, p.orderId, p.userIds));
    define('order:cancel', orderCancelPayload, async (p) => ({ order: await orders.cancel(actor, p.orderId, p.reason) }));
    define('order:amend', orderAmendPayload, async (p) => ({ order: await orders.amend(actor, p) }));
    define('duty:set', dutyPayload, (p) => duty.set(actor, p.onDuty));
  };
}
