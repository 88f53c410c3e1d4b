import type { AssignmentView, BoardCounts, ChasePhase, OrderView } from '@fengqiao/hub/protocol';

/** The deadline that applies now: acknowledgement until signed for, then completion. */
export interface Deadline {
  phase: ChasePhase;
  dueAt: number;
}

/** The deadline a recipient is working against, or null once finished or cancelled. */
export function assignmentDeadline(a: AssignmentView): Deadline | null {
  if (a.order.status !== 'active' || a.state === 'completed' || a.state === 'returned') return null;
  return a.state === 'acknowledged'
    ? { phase: 'complete', dueAt: a.order.completeDueAt }
    : { phase: 'ack', dueAt: a.order.ackDueAt };
}

/**
 * The deadline of an order as a whole, for the dispatcher: acknowledgement while anyone has still
 * to acknowledge (overdue once it passes), then completion.
 */
export function orderDeadline(order: OrderView, counts: BoardCounts | undefined): Deadline | null {
  if (order.status !== 'active') return null;
  const waitingForAck = counts === undefined || counts.acknowledged + counts.returned < counts.total;
  return waitingForAck ? { phase: 'ack', dueAt: order.ackDueAt } : { phase: 'complete', dueAt: order.completeDueAt };
}

/** A span of time cut for display: under an hour as a clock (mm:ss), under a day in hours and minutes, else days and hours. */
export type DurationParts =
  { unit: 'clock'; text: string } | { unit: 'hm'; h: number; m: number } | { unit: 'dh'; d: number; h: number };

/** Cuts a span of milliseconds (sign ignored) for display. */
export function durationParts(ms: number): DurationParts {
  const s = Math.floor(Math.abs(ms) / 1000);
  if (s < 3600)
    return { unit: 'clock', text: `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}` };
  if (s < 86_400) return { unit: 'hm', h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) };
  return { unit: 'dh', d: Math.floor(s / 86_400), h: Math.floor((s % 86_400) / 3600) };
}
