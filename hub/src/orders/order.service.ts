import { createOrderContext, type OrderDeps } from './order-context.ts';
import { createOrderIssuing } from './order-issuing.service.ts';
import { createOrderReads } from './order-reads.service.ts';
import { createOrderReassign } from './order-reassign.service.ts';
import { createOrderReceipts } from './order-receipts.service.ts';

export type { AssignmentChange, OrderNotifier } from './order-context.ts';

/**
 * Command orders: the rules of the closed loop, transport-free. Issuing and amending, acting on
 * an assignment, and reading live in their own files; this is the one service the transports call.
 */
export function createOrderService(deps: OrderDeps) {
  const ctx = createOrderContext(deps);
  return {
    ...createOrderIssuing(ctx),
    ...createOrderReceipts(ctx),
    ...createOrderReads(ctx),
    ...createOrderReassign(ctx),
  };
}
export type OrderService = ReturnType<typeof createOrderService>;
