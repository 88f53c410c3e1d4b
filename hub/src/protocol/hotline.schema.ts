import { z } from 'zod';
import type { Assert, Equals } from './type-equality.ts';
import { changeCursors } from './groups.schema.ts';
import { MAX_RANGE_MS } from './time-window.ts';
import { instant, instantQuery } from './time-window.schema.ts';
import {
  HOTLINE_CATEGORIES,
  HOTLINE_FILTERS,
  HOTLINE_STATUSES,
  MAX_DEPARTMENT,
  MAX_HOTLINE_NOTE,
  MAX_HOTLINE_TEXT,
  type HotlineAssignPayload,
  type HotlineCannedSavePayload,
  type HotlineCreatePayload,
  type HotlineDelegatePayload,
  type HotlineFollowUpPayload,
  type HotlineHandOffPayload,
  type HotlineHistoryPayload,
  type HotlineInboxPayload,
  type HotlineNotePayload,
  type HotlineRatePayload,
  type HotlineReadPayload,
  type HotlineReopenPayload,
  type HotlineResolvePayload,
  type HotlineSendPayload,
  type HotlineSyncPayload,
  type HotlineThreadPayload,
} from './hotline.ts';

const id = z.string().min(1).max(64);
const clientId = z.string().min(8).max(64);

export const hotlineCreatePayload = z.object({
  clientId,
  category: z.enum(HOTLINE_CATEGORIES),
  text: z.string().trim().min(1).max(MAX_HOTLINE_TEXT),
  place: z.string().trim().min(1).max(200).optional(),
});

export const hotlineSendPayload = z
  .object({
    threadId: id,
    clientId,
    text: z.string().trim().max(MAX_HOTLINE_TEXT).default(''),
    imageId: id.optional(),
  })
  .refine((p) => p.text.length > 0 || p.imageId !== undefined, {
    message: 'a message needs text or an image',
    path: ['text'],
  });

/** `hotline:mine` (resident): their own threads, newest activity first. */
export const hotlineMinePayload = z.object({}).strict();

export const hotlineInboxPayload = z.object({
  filter: z.enum(HOTLINE_FILTERS).default('all'),
  category: z.enum(HOTLINE_CATEGORIES).optional(),
  status: z.enum(HOTLINE_STATUSES).optional(),
  before: id.optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

export const hotlineThreadPayload = z.object({ threadId: id });

export const hotlineSyncPayload = z.object({
  cursors: z.record(id, z.number().int().min(0)).refine((c) => Object.keys(c).length <= 500, 'at most 500 threads'),
  changes: changeCursors.optional(),
  limit: z.number().int().min(1).max(1000).optional(),
});

export const hotlineHistoryPayload = z.object({
  threadId: id,
  beforeSeq: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(200).optional(),
});

export const hotlineReadPayload = z.object({ threadId: id, seq: z.number().int().min(0) });

export const hotlineAssignPayload = z.object({ threadId: id, assigneeId: id });

export const hotlineHandOffPayload = z.object({
  threadId: id,
  clientId,
  department: z.string().trim().min(1).max(MAX_DEPARTMENT),
  reason: z.string().trim().min(1).max(500),
});

export const hotlineResolvePayload = z.object({
  threadId: id,
  clientId,
  summary: z.string().trim().min(1).max(MAX_HOTLINE_TEXT),
});

export const hotlineRatePayload = z.object({
  threadId: id,
  score: z.number().int().min(1).max(5),
  comment: z.string().trim().max(500).optional(),
});

export const hotlineReopenPayload = z.object({
  threadId: id,
  clientId,
  reason: z.string().trim().min(1).max(MAX_HOTLINE_TEXT),
});

export const hotlineNotePayload = z.object({
  threadId: id,
  clientId,
  text: z.string().trim().min(1).max(MAX_HOTLINE_NOTE),
});

export const hotlineFollowUpPayload = z.discriminatedUnion('action', [
  z.object({ action: z.literal('schedule'), threadId: id, at: instant, note: z.string().trim().max(500).default('') }),
  z.object({ action: z.literal('done'), threadId: id, note: z.string().trim().max(500).default('') }),
]);

/** `hotline:canned` (staff): the canned replies (常用回复) of the caller's station. */
export const hotlineCannedListPayload = z.object({}).strict();
export const hotlineCannedSavePayload = z.object({
  id: id.optional(),
  title: z.string().trim().min(1).max(50),
  text: z.string().trim().min(1).max(MAX_HOTLINE_TEXT),
});
export const hotlineCannedDeletePayload = z.object({ id });

/** `hotline:delegates` / `hotline:delegate` (station head): who besides the head handles the station's hotline. */
export const hotlineDelegatesPayload = z.object({}).strict();
export const hotlineDelegatePayload = z.object({ userId: id, enabled: z.boolean() });

/** `hotline:staff` (handlers): who a thread may be assigned to, the resident's grid officer first. */
export const hotlineStaffPayload = z.object({ threadId: id });

/** GET /api/hotline/figures query: station ids (comma-separated), period [from, to) in ms. */
export const hotlineFiguresQuery = z
  .object({
    stationIds: z
      .string()
      .min(1)
      .max(2000)
      .transform((s) => s.split(',').filter(Boolean))
      .pipe(z.array(id).min(1).max(100)),
    from: instantQuery,
    to: instantQuery,
  })
  .refine((q) => q.from < q.to && q.to - q.from <= MAX_RANGE_MS, {
    message: 'from before to, at most 400 days apart',
    path: ['to'],
  });

type _Checks = [
  Assert<Equals<z.infer<typeof hotlineCreatePayload>, HotlineCreatePayload>>,
  Assert<Equals<z.infer<typeof hotlineSendPayload>, HotlineSendPayload>>,
  Assert<Equals<z.infer<typeof hotlineInboxPayload>, HotlineInboxPayload>>,
  Assert<Equals<z.infer<typeof hotlineThreadPayload>, HotlineThreadPayload>>,
  Assert<Equals<z.infer<typeof hotlineSyncPayload>, HotlineSyncPayload>>,
  Assert<Equals<z.infer<typeof hotlineHistoryPayload>, HotlineHistoryPayload>>,
  Assert<Equals<z.infer<typeof hotlineReadPayload>, HotlineReadPayload>>,
  Assert<Equals<z.infer<typeof hotlineAssignPayload>, HotlineAssignPayload>>,
  Assert<Equals<z.infer<typeof hotlineHandOffPayload>, HotlineHandOffPayload>>,
  Assert<Equals<z.infer<typeof hotlineResolvePayload>, HotlineResolvePayload>>,
  Assert<Equals<z.infer<typeof hotlineRatePayload>, HotlineRatePayload>>,
  Assert<Equals<z.infer<typeof hotlineReopenPayload>, HotlineReopenPayload>>,
  Assert<Equals<z.infer<typeof hotlineNotePayload>, HotlineNotePayload>>,
  Assert<Equals<z.infer<typeof hotlineFollowUpPayload>, HotlineFollowUpPayload>>,
  Assert<Equals<z.infer<typeof hotlineCannedSavePayload>, HotlineCannedSavePayload>>,
  Assert<Equals<z.infer<typeof hotlineDelegatePayload>, HotlineDelegatePayload>>,
];
