import { z } from 'zod';
import type { Assert, Equals } from './type-equality.ts';
import { ROLES } from './roles.ts';
import { instant } from './time-window.schema.ts';
import {
  MAX_ACTIVITY_PAGE,
  MAX_ORDER_BODY,
  ORDER_PRIORITIES,
  type CreateOrderPayload,
  type DutyPayload,
  type OrderActionPayload,
  type OrderActivityPayload,
  type OrderReassignPayload,
  type OrderSearchPayload,
  type OrderAmendPayload,
  type OrderCancelPayload,
  type OrderChasePayload,
  type OrderForwardPayload,
  type OrderReceiptPayload,
  type OrderSyncPayload,
  type OrderTarget,
  type OrderWatchPayload,
} from './orders.ts';

const id = z.string().min(1).max(64);
/** A client-chosen id that makes a write idempotent: a retry returns the first result. */
const clientId = z.string().min(8).max(64);

export const orderTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('unit'), unitId: id, roles: z.array(z.enum(ROLES)).min(1).max(ROLES.length).optional() }),
  z.object({ kind: z.literal('user'), userId: id }),
]);

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

export const orderReceiptPayload = z.object({
  orderIds: z.array(id).min(1).max(500),
  state: z.enum(['delivered', 'read']),
});

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

export const orderForwardPayload = z.object({
  orderId: id,
  clientId,
  userIds: z.array(id).min(1).max(200),
  note: z.string().trim().max(MAX_ORDER_BODY).optional(),
});

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
export const orderActivityPayload = z.object({
  before: id.optional(),
  limit: z.number().int().min(1).max(MAX_ACTIVITY_PAGE).optional(),
});
/** A search term: trimmed, at least one character, short enough to be a term and not a document. */
const term = z.string().trim().min(1).max(50);
export const orderSearchPayload = z
  .object({
    state: z.enum(['active', 'finished']),
    text: term.optional(),
    incident: term.optional(),
    person: term.optional(),
    from: instant.optional(),
    to: instant.optional(),
    before: id.optional(),
  })
  .refine((p) => p.from === undefined || p.to === undefined || p.from < p.to, {
    message: 'from must be before to',
    path: ['to'],
  });
export const orderReassignPayload = z
  .object({ orderId: id, clientId, fromUserId: id, toUserId: id })
  .refine((p) => p.fromUserId !== p.toUserId, { message: 'choose someone else', path: ['toUserId'] });

type _Checks = [
  Assert<Equals<z.infer<typeof orderTarget>, OrderTarget>>,
  Assert<Equals<z.infer<typeof createOrderPayload>, CreateOrderPayload>>,
  Assert<Equals<z.infer<typeof orderReceiptPayload>, OrderReceiptPayload>>,
  Assert<Equals<z.infer<typeof orderActionPayload>, OrderActionPayload>>,
  Assert<Equals<z.infer<typeof orderForwardPayload>, OrderForwardPayload>>,
  Assert<Equals<z.infer<typeof orderChasePayload>, OrderChasePayload>>,
  Assert<Equals<z.infer<typeof orderCancelPayload>, OrderCancelPayload>>,
  Assert<Equals<z.infer<typeof orderAmendPayload>, OrderAmendPayload>>,
  Assert<Equals<z.infer<typeof orderSyncPayload>, OrderSyncPayload>>,
  Assert<Equals<z.infer<typeof orderWatchPayload>, OrderWatchPayload>>,
  Assert<Equals<z.infer<typeof dutyPayload>, DutyPayload>>,
  Assert<Equals<z.infer<typeof orderActivityPayload>, OrderActivityPayload>>,
  Assert<Equals<z.infer<typeof orderSearchPayload>, OrderSearchPayload>>,
  Assert<Equals<z.infer<typeof orderReassignPayload>, OrderReassignPayload>>,
];
