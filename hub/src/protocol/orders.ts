import type { Role, UnitKind } from './roles.ts';

/** 特急 flash / 紧急 urgent / 一般 routine. */
export const ORDER_PRIORITIES = ['flash', 'urgent', 'routine'] as const;
export type OrderPriority = (typeof ORDER_PRIORITIES)[number];

/** Default deadlines by priority, minutes after sending: acknowledge (签收) and complete (办结). */
export const DEFAULT_DEADLINES_MIN: Record<OrderPriority, { ack: number; complete: number }> = {
  flash: { ack: 2, complete: 30 },
  urgent: { ack: 10, complete: 4 * 60 },
  routine: { ack: 60, complete: 24 * 60 },
};

/**
 * A recipient's state only moves forward along delivered → read → acknowledged → completed.
 * `returned` (退回) ends an assignment that its recipient handed back with a reason.
 */
export const RECIPIENT_STATES = ['pending', 'delivered', 'read', 'acknowledged', 'completed', 'returned'] as const;
export type RecipientState = (typeof RECIPIENT_STATES)[number];
export const STATE_RANK: Record<RecipientState, number> = {
  pending: 0,
  delivered: 1,
  read: 2,
  acknowledged: 3,
  completed: 4,
  returned: 4,
};

export const ORDER_STATUSES = ['active', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const MAX_ORDER_BODY = 4000;

/** Who an order goes to: a unit subtree (optionally only some roles in it) or a named person. */
export type OrderTarget =
  { kind: 'unit'; unitId: string; roles?: Role[] | undefined } | { kind: 'user'; userId: string };

/** `order:create`. `clientId` makes the write idempotent: a retry returns the first result. */
export interface CreateOrderPayload {
  clientId: string;
  title: string;
  body: string;
  priority: OrderPriority;
  incidentId?: string | undefined;
  ackDueAt?: number | undefined;
  completeDueAt?: number | undefined;
  targets: OrderTarget[];
}

/** Delivery and read receipts, batched by the client. */
export interface OrderReceiptPayload {
  orderIds: string[];
  state: 'delivered' | 'read';
}

/** A recipient's action on their own assignment. */
export type OrderActionPayload =
  | { action: 'acknowledge'; orderId: string; clientId: string }
  | { action: 'note'; orderId: string; clientId: string; text: string }
  | { action: 'complete'; orderId: string; clientId: string; text: string }
  | { action: 'return'; orderId: string; clientId: string; text: string };

/** Forward (转派) a received order to people of one's own unit; the original board rolls it up. */
export interface OrderForwardPayload {
  orderId: string;
  clientId: string;
  userIds: string[];
  note?: string | undefined;
}

/** `order:chase` (催办): remind the named recipients, or every late one. */
export interface OrderChasePayload {
  orderId: string;
  userIds?: string[] | undefined;
}

export interface OrderCancelPayload {
  orderId: string;
  reason: string;
}

/** `order:amend`: at least one field. */
export interface OrderAmendPayload {
  orderId: string;
  title?: string | undefined;
  body?: string | undefined;
  ackDueAt?: number | undefined;
  completeDueAt?: number | undefined;
}

/** `order:sync`: the assignments changed since this cursor (`AssignmentView.rev`). */
export interface OrderSyncPayload {
  since: number;
}

/** `order:watch`: the boards of these orders, live. */
export interface OrderWatchPayload {
  orderIds: string[];
}

/** `duty:set`: 在岗 / 离岗. */
export interface DutyPayload {
  onDuty: boolean;
}

/** An order as every reader sees it. */
export interface OrderView {
  id: string;
  title: string;
  body: string;
  priority: OrderPriority;
  status: OrderStatus;
  issuer: { id: string; name: string; unitName: string };
  incidentId: string | null;
  /** Set on a forwarded (转派) order: the order it came from. */
  parentOrderId: string | null;
  ackDueAt: number;
  completeDueAt: number;
  createdAt: number;
  updatedAt: number;
  cancelReason: string | null;
}

/** One recipient's assignment: what an officer's inbox shows. */
export interface AssignmentView {
  order: OrderView;
  state: RecipientState;
  deliveredAt: number | null;
  readAt: number | null;
  acknowledgedAt: number | null;
  completedAt: number | null;
  feedback: string | null;
  /** Cursor value of the last change to this assignment. */
  rev: number;
}

/** Counts of the closed loop for the dispatcher's board. */
export interface BoardCounts {
  total: number;
  delivered: number;
  read: number;
  acknowledged: number;
  completed: number;
  returned: number;
  overdue: number;
}

export interface BoardView {
  orderId: string;
  counts: BoardCounts;
  /** Recipients who have not acknowledged yet, by name (first 50). */
  pending: { userId: string; name: string; state: RecipientState }[];
  /** Sub-assignments forwarded by recipients, rolled up. */
  forwarded: { total: number; acknowledged: number; completed: number };
  /** Who handed the order back (退回), with their reason, and to whom it went instead (first 50). */
  returns: ReturnView[];
  /** The order's latest activity (签收, 进展, 反馈, 退回, 改派), or null before any. */
  latest: OrderActivityEntry | null;
}

/** One 退回 on a board: the reason, and whether the dispatcher re-dispatched it (改派). */
export interface ReturnView {
  userId: string;
  name: string;
  reason: string | null;
  at: number;
  /** The name of the person the dispatcher gave this share to instead, once re-dispatched. */
  reassignedTo: string | null;
}

/**
 * Finished (已完成): cancelled, or nobody is still working on it and someone completed it. An
 * order handed back by everyone is not finished: it waits for 改派 (or 撤销). Finished orders are
 * read-only: the hub refuses to amend, cancel or re-dispatch them (`order_finished`).
 */
export function isOrderFinished(status: OrderStatus, counts: Pick<BoardCounts, 'total' | 'completed' | 'returned'>) {
  if (status === 'cancelled') return true;
  return counts.total > 0 && counts.completed > 0 && counts.completed + counts.returned === counts.total;
}

/** What the activity feed shows: an assignment moved, or the dispatcher re-dispatched a return. */
export const ACTIVITY_KINDS = ['acknowledged', 'note', 'completed', 'returned', 'reassigned'] as const;
export type OrderActivityKind = (typeof ACTIVITY_KINDS)[number];

/** One line of the command room's activity feed (and a board card's latest activity). */
export interface OrderActivityEntry {
  /** Sortable event id: newer entries have greater ids. */
  id: string;
  at: number;
  kind: OrderActivityKind;
  /** The note, feedback or reason; for 改派 the new person's name. */
  text: string | null;
  actor: { id: string; name: string } | null;
  order: { id: string; title: string; priority: OrderPriority; parentOrderId: string | null };
}

/** Most activity entries one `order:activity` page holds. */
export const MAX_ACTIVITY_PAGE = 100;

/** `order:activity`: the newest activity of the caller's command scope, or the page before `before`. */
export interface OrderActivityPayload {
  before?: string | undefined;
  limit?: number | undefined;
}

/** `order:search` answers at most this many orders a page. */
export const ORDER_SEARCH_PAGE = 20;

/**
 * `order:search`: the caller's orders (their command scope), newest first. `text` matches title
 * and body, `incident` an incident number, `person` a recipient's or the issuer's name; `from` /
 * `to` bound the sending time. `before` pages on (an order id from the previous page).
 */
export interface OrderSearchPayload {
  state: 'active' | 'finished';
  text?: string | undefined;
  incident?: string | undefined;
  person?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  before?: string | undefined;
}

/** `order:reassign` (改派): give a returned share of an order to someone else in the order's scope. */
export interface OrderReassignPayload {
  orderId: string;
  clientId: string;
  /** The person who handed it back. */
  fromUserId: string;
  toUserId: string;
}

/** Which deadline a reminder or escalation is about: acknowledgement (签收) or completion (办结). */
export type ChasePhase = 'ack' | 'complete';

export interface OrderRemindedEvent {
  orderId: string;
  title: string;
  priority: OrderPriority;
  phase: ChasePhase;
  /** True when a dispatcher chased by hand, false for the hub's deadline reminder. */
  manual: boolean;
}

export interface OrderEscalatedEvent {
  orderId: string;
  title: string;
  phase: ChasePhase;
  /** The recipient who is late. */
  subject: { id: string; name: string };
}

/** What a timeline line records. */
export type OrderEventKind =
  | 'created'
  | 'forwarded'
  | 'acknowledged'
  | 'note'
  | 'completed'
  | 'returned'
  | 'chased'
  | 'reminded'
  | 'escalated'
  /** Escalation ladder steps (hub/src/escalation): 已推送, 已短信, 已电话通知. */
  | 'pushed'
  | 'texted'
  | 'called'
  | 'amended'
  | 'cancelled'
  /** 改派: subject the person who had returned it; text the new person's name. */
  | 'reassigned';

/** One line of an order's timeline: who did what, when. */
export interface OrderTimelineEntry {
  id: string;
  at: number;
  kind: OrderEventKind;
  text: string | null;
  actor: { id: string; name: string } | null;
  subject: { id: string; name: string } | null;
}

/** Roles that send orders (the command room, station heads, admins). */
export const DISPATCH_ROLES = ['dispatcher', 'station_head', 'admin'] as const satisfies readonly Role[];
/** Roles that receive and act on orders. */
export const RECEIVING_ROLES = [
  'station_head',
  'dispatcher',
  'officer',
  'auxiliary',
  'grid_worker',
] as const satisfies readonly Role[];

/** GET /api/orders: the orders of the dispatcher's scope with their boards. */
export interface IssuedOrdersResponse {
  ok: true;
  orders: { order: OrderView; board: BoardView }[];
}

/** GET /api/org/scope: the dispatch tree for the target picker. */
export interface OrgScopeResponse {
  ok: true;
  scopeId: string;
  units: { id: string; parentId: string | null; kind: UnitKind; name: string; code: string }[];
  people: {
    id: string;
    name: string;
    role: Role;
    rank: string | null;
    unitId: string;
    onDuty: boolean;
    online: boolean;
  }[];
}
