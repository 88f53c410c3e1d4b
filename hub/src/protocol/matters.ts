import { z } from 'zod';

/** What a matter raised in a group is about; disputes follow the "six musts" (domain.md). */
export const MATTER_CATEGORIES = ['dispute', 'safety', 'public_order', 'help', 'suggestion', 'other'] as const;
export type MatterCategory = (typeof MATTER_CATEGORIES)[number];

/** open → in progress → resolved; or handed to another department (一报警三分发). */
export const MATTER_STATUSES = ['open', 'in_progress', 'resolved', 'handed_off'] as const;
export type MatterStatus = (typeof MATTER_STATUSES)[number];

const id = z.string().min(1).max(64);

/** 登记问题: turn a group message into a tracked matter. */
export const matterCreatePayload = z.object({
  groupId: id,
  seq: z.number().int().positive(),
  clientId: z.string().min(8).max(64),
  category: z.enum(MATTER_CATEGORIES),
  title: z.string().trim().min(1).max(100),
  assigneeId: id.optional(),
});
export type MatterCreatePayload = z.infer<typeof matterCreatePayload>;

export const matterUpdatePayload = z.discriminatedUnion('action', [
  z.object({ action: z.literal('start'), matterId: id }),
  z.object({ action: z.literal('assign'), matterId: id, assigneeId: id }),
  z.object({
    action: z.literal('hand_off'),
    matterId: id,
    department: z.string().trim().min(1).max(100),
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
export type MatterUpdatePayload = z.infer<typeof matterUpdatePayload>;

export const matterListPayload = z.object({ groupId: id, status: z.enum(MATTER_STATUSES).optional() });
export type MatterListPayload = z.infer<typeof matterListPayload>;

export interface MatterView {
  id: string;
  groupId: string;
  /** The message the matter was raised from. */
  seq: number;
  category: MatterCategory;
  title: string;
  status: MatterStatus;
  assignee: { id: string; name: string } | null;
  department: string | null;
  /** Seq of the answer posted into the group when resolved. */
  answerSeq: number | null;
  createdBy: { id: string; name: string };
  createdAt: number;
  updatedAt: number;
}
