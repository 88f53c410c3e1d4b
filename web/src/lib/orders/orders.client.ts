import type { IssuedOrdersResponse, OrderTimelineEntry } from '@fengqiao/hub/protocol';
import { requestJson, type ApiOutcome } from '../api/request.ts';

/** One row of the dispatcher's list: the order and its closed-loop counts. */
export type IssuedOrder = IssuedOrdersResponse['orders'][number];

/** Orders of the caller's dispatch scope, newest first (`active` leaves cancelled ones out). */
export function fetchIssuedOrders(status?: 'active' | 'cancelled'): Promise<ApiOutcome<IssuedOrdersResponse>> {
  return requestJson(status ? `/api/orders?status=${status}` : '/api/orders');
}

/**
 * Who did what, when, for an order: everything for the order's managers; for a recipient the
 * order's own history (sent, amended, cancelled) and their own entries.
 */
export function fetchTimeline(orderId: string): Promise<ApiOutcome<{ ok: true; timeline: OrderTimelineEntry[] }>> {
  return requestJson(`/api/orders/${encodeURIComponent(orderId)}/timeline`);
}
