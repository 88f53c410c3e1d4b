import type { IssuedOrdersResponse, OrderTimelineEntry } from '@fengqiao/hub/protocol';
import { requestJson, type ApiOutcome } from '../api/request.ts';

/** One row of the dispatcher's list: the order and its closed-loop counts. */
export type IssuedOrder = IssuedOrdersResponse['orders'][number];

/** Orders of the caller's dispatch scope, newest first: still under way (`active`) or finished. */
export function fetchIssuedOrders(state?: 'active' | 'finished'): Promise<ApiOutcome<IssuedOrdersResponse>> {
  return requestJson(state ? `/api/orders?state=${state}` : '/api/orders');
}

/**
 * Who did what, when, for an order: everything for the order's managers; for a recipient the
 * order's own history (sent, amended, cancelled) and their own entries.
 */
export function fetchTimeline(orderId: string): Promise<ApiOutcome<{ ok: true; timeline: OrderTimelineEntry[] }>> {
  return requestJson(`/api/orders/${encodeURIComponent(orderId)}/timeline`);
}
