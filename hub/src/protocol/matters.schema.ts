import { z } from 'zod';
import type { Assert, Equals } from './type-equality.ts';
import {
  MATTER_CATEGORIES,
  MATTER_STATUSES,
  MAX_MATTER_DEPARTMENT,
  MAX_MATTER_TITLE,
  type MatterCreatePayload,
  type MatterListPayload,
  type MatterUpdatePayload,
} from './matters.ts';

const id = z.string().min(1).max(64);

/** 登记问题: turn a group message into a tracked matter. */
export const matterCreatePayload = z.object({
  groupId: id,
  seq: z.number().int().positive(),
  clientId: z.string().min(8).max(64),
  category: z.enum(MATTER_CATEGORIES),
  title: z.string().trim().min(1).max(MAX_MATTER_TITLE),
  assigneeId: id.optional(),
});

export const matterUpdatePayload = z.discriminatedUnion('action', [
  z.object({ action: z.literal('start'), matterId: id }),
  z.object({ action: z.literal('assign'), matterId: id, assigneeId: id }),
  z.object({
    action: z.literal('hand_off'),
    matterId: id,
    department: z.string().trim().min(1).max(MAX_MATTER_DEPARTMENT),
    note: z.string().trim().max(500).optional(),
  }),
  /** Resolving posts the answer into the group, quoting the message the matter came from. */
  z.object({
    action: z.literal('resolve'),
    matterId: id,
    clientId: z.string().min(8).max(64),
    answer: z.string().trim().min(1).max(2000),
  }),
]);

export const matterListPayload = z.object({ groupId: id, status: z.enum(MATTER_STATUSES).optional() });

type _Checks = [
  Assert<Equals<z.infer<typeof matterCreatePayload>, MatterCreatePayload>>,
  Assert<Equals<z.infer<typeof matterUpdatePayload>, MatterUpdatePayload>>,
  Assert<Equals<z.infer<typeof matterListPayload>, MatterListPayload>>,
];
