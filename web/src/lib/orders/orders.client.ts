import type { BoardView, OrderTimelineEntry, OrderView } from '@fengqiao/hub/protocol';
import { requestJson, type ApiOutcome } from '../api/request.ts';

/** One row of the dispatcher's list: the order and its closed-loop counts. */
export interface IssuedOrder {
  order: OrderView;
  board: BoardView;
}

/** Orders of the caller's dispatch scope, newest first (`active` leaves cancelled ones out). */
export function fetchIssuedOrders(status?: 'active' | 'cancelled'): Promise<ApiOutcome<{ ok: true; orders: IssuedOrder[] }>> {
  return requestJson(status ? `/api/orders?status=${status}` : '/api/orders');
}

/** Who did what, when, for an order the caller manages. */
export function fetchTimeline(orderId: string): Promise<ApiOutcome<{ ok: true; timeline: OrderTimelineEntry[] }>> {
  return requestJson(`/api/orders/${encodeURIComponent(orderId)}/timeline`);
}
