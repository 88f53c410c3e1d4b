import { z } from 'zod';
import { instant } from './time-window.ts';
import { ROLES, type Role, type UnitKind } from './roles.ts';

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

const id = z.string().min(1).max(64);
/** A client-chosen id that makes a write idempotent: a retry returns the first result. */
const clientId = z.string().min(8).max(64);
export const MAX_ORDER_BODY = 4000;

/** Who an order goes to: a unit subtree (optionally only some roles in it) or a named person. */
export const orderTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('unit'), unitId: id, roles: z.array(z.enum(ROLES)).min(1).max(ROLES.length).optional() }),
  z.object({ kind: z.literal('user'), userId: id }),
]);
export type OrderTarget = z.infer<typeof orderTarget>;

export const createOrderPayload = z.object({
  clientId,
  title: z.string().trim().min(1).max(100),
  body: z.string().trim().min(1).max(MAX_ORDER_BODY),
  priority: z.enum(ORDER_PRIORITIES),
  incidentId: id.optional(),
  ackDueAt: instant.optional(),
  completeDueAt: instant.optional(),
  targets: z.array(orderTarget).min(1).max(200),
});
export type CreateOrderPayload = z.infer<typeof createOrderPayload>;

/** Delivery and read receipts, batched by the client. */
export const orderReceiptPayload = z.object({
  orderIds: z.array(id).min(1).max(500),
  state: z.enum(['delivered', 'read']),
});
export type OrderReceiptPayload = z.infer<typeof orderReceiptPayload>;

/** A recipient's action on their own assignment. */
export const orderActionPayload = z.discriminatedUnion('action', [
  z.object({ action: z.literal('acknowledge'), orderId: id, clientId }),
  z.object({ action: z.literal('note'), orderId: id, clientId, text: z.string().trim().min(1).max(MAX_ORDER_BODY) }),
  z.object({
    action: z.literal('complete'),
    orderId: id,
    clientId,
    text: z.string().trim().min(1).max(MAX_ORDER_BODY),
  }),
  z.object({ action: z.literal('return'), orderId: id, clientId, text: z.string().trim().min(1).max(MAX_ORDER_BODY) }),
]);
export type OrderActionPayload = z.infer<typeof orderActionPayload>;

/** Forward (转派) a received order to people of one's own unit; the original board rolls it up. */
export const orderForwardPayload = z.object({
  orderId: id,
  clientId,
  userIds: z.array(id).min(1).max(200),
  note: z.string().trim().max(MAX_ORDER_BODY).optional(),
});
export type OrderForwardPayload = z.infer<typeof orderForwardPayload>;

export const orderChasePayload = z.object({ orderId: id, userIds: z.array(id).min(1).max(10_000).optional() });
export const orderCancelPayload = z.object({ orderId: id, reason: z.string().trim().min(1).max(500) });
export const orderAmendPayload = z
  .object({
    orderId: id,
    title: z.string().trim().min(1).max(100).optional(),
    body: z.string().trim().min(1).max(MAX_ORDER_BODY).optional(),
    ackDueAt: instant.optional(),
    completeDueAt: instant.optional(),
  })
  .refine(
    (p) => p.title !== undefined || p.body !== undefined || p.ackDueAt !== undefined || p.completeDueAt !== undefined,
    {
      message: 'nothing to amend',
    },
  );
export const orderSyncPayload = z.object({ since: z.number().int().min(0) });
export const orderWatchPayload = z.object({ orderIds: z.array(id).max(200) });
export const dutyPayload = z.object({ onDuty: z.boolean() });

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
}

export type OrderSyncPayload = z.infer<typeof orderSyncPayload>;
export type OrderWatchPayload = z.infer<typeof orderWatchPayload>;
export type OrderChasePayload = z.infer<typeof orderChasePayload>;
export type OrderCancelPayload = z.infer<typeof orderCancelPayload>;
export type OrderAmendPayload = z.infer<typeof orderAmendPayload>;
export type DutyPayload = z.infer<typeof dutyPayload>;

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
  | 'cancelled';

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
