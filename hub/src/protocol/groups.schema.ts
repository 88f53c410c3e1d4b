import { z } from 'zod';
import type { Assert, Equals } from './type-equality.ts';
import {
  MAX_MESSAGE_TEXT,
  MAX_NOTICE_TEXT,
  type ChangeCursors,
  type GroupHistoryPayload,
  type GroupMemberPayload,
  MAX_READ_COUNT_SPAN,
  type GroupReadCountsPayload,
  type GroupReadersPayload,
  type GroupNoticePayload,
  type GroupReadPayload,
  type GroupSyncPayload,
  type MessageRecallPayload,
  type MessageSearchPayload,
  type SendMessagePayload,
} from './groups.ts';

const id = z.string().min(1).max(64);

export const sendMessagePayload = z
  .object({
    groupId: id,
    clientId: z.string().min(8).max(64),
    text: z.string().trim().max(MAX_MESSAGE_TEXT).default(''),
    imageId: id.optional(),
    replyToSeq: z.number().int().positive().optional(),
    mentions: z.array(id).max(50).optional(),
    mentionAll: z.boolean().optional(),
  })
  .refine((p) => p.text.length > 0 || p.imageId !== undefined, {
    message: 'a message needs text or an image',
    path: ['text'],
  });

/** Change cursors per conversation (see {@link ChangeCursors}); shared with `hotline:sync`. */
export const changeCursors = z
  .record(id, z.number().int().min(0))
  .refine((c) => Object.keys(c).length <= 500, 'at most 500 conversations');

export const groupSyncPayload = z.object({
  cursors: z.record(id, z.number().int().min(0)).refine((c) => Object.keys(c).length <= 500, 'at most 500 groups'),
  changes: changeCursors.optional(),
  limit: z.number().int().min(1).max(1000).optional(),
});

export const messageSearchPayload = z.object({ query: z.string().trim().min(1).max(100), groupId: id.optional() });

export const groupListPayload = z.object({}).strict();

export const groupHistoryPayload = z.object({
  groupId: id,
  beforeSeq: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(200).optional(),
});

export const groupReadPayload = z.object({ groupId: id, seq: z.number().int().min(0) });

export const messageRecallPayload = z.object({ groupId: id, seq: z.number().int().positive() });

export const groupNoticePayload = z.object({ groupId: id, text: z.string().trim().min(1).max(MAX_NOTICE_TEXT) });
export const groupNoticeReadPayload = z.object({ groupId: id });

export const groupMemberPayload = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('mute'),
    groupId: id,
    userId: id,
    minutes: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60),
  }),
  z.object({ action: z.literal('unmute'), groupId: id, userId: id }),
  z.object({ action: z.literal('remove'), groupId: id, userId: id }),
  z.object({ action: z.literal('approve'), groupId: id, userId: id }),
  z.object({ action: z.literal('reject'), groupId: id, userId: id }),
]);

/** "Is typing" and "who is here": ephemeral, never stored. */
export const groupTypingPayload = z.object({ groupId: id });
export const groupPresencePayload = z.object({ groupId: id });

/**
 * Follow one group while its chat is open (arrivals and departures; read counts for staff), or none
 * (`null`: the chat closed).
 */
export const groupWatchPayload = z.object({ groupId: id.nullable() });

/** Open (or find) the one-to-one conversation with another staff member. */
export const groupDirectPayload = z.object({ userId: id });

/** A window of seqs no wider than {@link MAX_READ_COUNT_SPAN}, so one answer stays small. */
export const groupReadCountsPayload = z
  .object({ groupId: id, fromSeq: z.number().int().positive(), toSeq: z.number().int().positive() })
  .refine((p) => p.toSeq >= p.fromSeq && p.toSeq - p.fromSeq < MAX_READ_COUNT_SPAN, {
    message: `toSeq must be at least fromSeq and the window at most ${MAX_READ_COUNT_SPAN} messages`,
    path: ['toSeq'],
  });

export const groupReadersPayload = z.object({ groupId: id, seq: z.number().int().positive() });

type _Checks = [
  Assert<Equals<z.infer<typeof sendMessagePayload>, SendMessagePayload>>,
  Assert<Equals<z.infer<typeof changeCursors>, ChangeCursors>>,
  Assert<Equals<z.infer<typeof groupSyncPayload>, GroupSyncPayload>>,
  Assert<Equals<z.infer<typeof messageSearchPayload>, MessageSearchPayload>>,
  Assert<Equals<z.infer<typeof groupHistoryPayload>, GroupHistoryPayload>>,
  Assert<Equals<z.infer<typeof groupReadPayload>, GroupReadPayload>>,
  Assert<Equals<z.infer<typeof messageRecallPayload>, MessageRecallPayload>>,
  Assert<Equals<z.infer<typeof groupNoticePayload>, GroupNoticePayload>>,
  Assert<Equals<z.infer<typeof groupMemberPayload>, GroupMemberPayload>>,
  Assert<Equals<z.infer<typeof groupReadCountsPayload>, GroupReadCountsPayload>>,
  Assert<Equals<z.infer<typeof groupReadersPayload>, GroupReadersPayload>>,
];
