import {
  ORDER_PRIORITIES,
  STATE_RANK,
  type AssignmentView,
  type OrderPriority,
  type OrderView,
  type RecipientState,
} from '@fengqiao/hub/protocol';

/** The inbox tabs: 待签收, 已签收, 已办结, 已退回. */
export const INBOX_TABS = ['open', 'acknowledged', 'completed', 'returned'] as const;
export type InboxTab = (typeof INBOX_TABS)[number];

/** Which tab an assignment sits in. */
export function tabOf(state: RecipientState): InboxTab {
  if (state === 'acknowledged' || state === 'completed' || state === 'returned') return state;
  return 'open';
}

/** Sort weight of a priority: flash first. */
export function priorityWeight(priority: OrderPriority): number {
  return ORDER_PRIORITIES.indexOf(priority);
}

/** True when the assignment still waits for this person (not finished, order not cancelled). */
export function isOpen(a: AssignmentView): boolean {
  return a.order.status === 'active' && a.state !== 'completed' && a.state !== 'returned';
}

/** The newer of two views of the same order (amendments and cancellations bump `updatedAt`). */
export function newerOrder(a: OrderView, b: OrderView): OrderView {
  return b.updatedAt >= a.updatedAt ? b : a;
}

/**
 * Folds a fresh view of an assignment into the one held. The higher `rev` wins, but the state
 * never moves back (a receipt applied here may not have reached the hub's copy yet) and the
 * order itself is the more recently updated of the two.
 */
export function mergeAssignment(held: AssignmentView | undefined, incoming: AssignmentView): AssignmentView {
  if (!held) return incoming;
  const base = incoming.rev >= held.rev ? incoming : held;
  const other = base === incoming ? held : incoming;
  const state = STATE_RANK[other.state] > STATE_RANK[base.state] ? other.state : base.state;
  return {
    ...base,
    state,
    order: newerOrder(held.order, incoming.order),
    deliveredAt: base.deliveredAt ?? other.deliveredAt,
    readAt: base.readAt ?? other.readAt,
    acknowledgedAt: base.acknowledgedAt ?? other.acknowledgedAt,
    completedAt: base.completedAt ?? other.completedAt,
    feedback: base.feedback ?? other.feedback,
  };
}

/** Moves an assignment forward to `state` locally (a receipt sent, an action acknowledged); never back. */
export function advance(a: AssignmentView, state: RecipientState, at: number): AssignmentView {
  if (STATE_RANK[state] <= STATE_RANK[a.state]) return a;
  const reached = STATE_RANK[state];
  return {
    ...a,
    state,
    deliveredAt: a.deliveredAt ?? (reached >= 1 ? at : null),
    readAt: a.readAt ?? (reached >= 2 ? at : null),
    acknowledgedAt: a.acknowledgedAt ?? (state === 'acknowledged' || state === 'completed' ? at : null),
    completedAt: a.completedAt ?? (state === 'completed' ? at : null),
  };
}
