import type { AssignmentView, OrderPriority, OrderView, RecipientState } from '@fengqiao/hub/protocol';

/**
 * How far along delivered → read → acknowledged → completed a state is; `returned` ends as far
 * as `completed`. The same numbers as the protocol's `STATE_RANK` (a unit test holds them
 * equal); declared here because importing a value from the protocol would ship its zod schemas
 * to every phone.
 */
export const STATE_ORDER: Record<RecipientState, number> = {
  pending: 0,
  delivered: 1,
  read: 2,
  acknowledged: 3,
  completed: 4,
  returned: 4,
};

/** The inbox tabs: 待签收, 已签收, 已办结, 已退回. */
export const INBOX_TABS = ['open', 'acknowledged', 'completed', 'returned'] as const;
export type InboxTab = (typeof INBOX_TABS)[number];

/** Which tab an assignment sits in. */
export function tabOf(state: RecipientState): InboxTab {
  if (state === 'acknowledged' || state === 'completed' || state === 'returned') return state;
  return 'open';
}

/** The three priorities, most urgent first (the protocol's `ORDER_PRIORITIES`). */
export const PRIORITIES: readonly OrderPriority[] = ['flash', 'urgent', 'routine'];

/** Sort weight of a priority: flash first. */
export function priorityWeight(priority: OrderPriority): number {
  return PRIORITIES.indexOf(priority);
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
  const state = STATE_ORDER[other.state] > STATE_ORDER[base.state] ? other.state : base.state;
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
  if (STATE_ORDER[state] <= STATE_ORDER[a.state]) return a;
  const reached = STATE_ORDER[state];
  return {
    ...a,
    state,
    deliveredAt: a.deliveredAt ?? (reached >= 1 ? at : null),
    readAt: a.readAt ?? (reached >= 2 ? at : null),
    acknowledgedAt: a.acknowledgedAt ?? (state === 'acknowledged' || state === 'completed' ? at : null),
    completedAt: a.completedAt ?? (state === 'completed' ? at : null),
  };
}
