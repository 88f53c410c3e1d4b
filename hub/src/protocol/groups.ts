import { z } from 'zod';

/** Grid groups (网格群) hold a grid's staff and residents; the others are staff-only. */
export const GROUP_KINDS = ['grid', 'squad', 'command_room', 'station_staff', 'direct'] as const;
export type GroupKind = (typeof GROUP_KINDS)[number];

export const MAX_MESSAGE_TEXT = 2000;
/** How long a sender may recall their own message (撤回). */
export const RECALL_WINDOW_MS = 2 * 60_000;

const id = z.string().min(1).max(64);

/** Images a group accepts, up to this size; the hub checks the bytes, not just the declared type. */
export const IMAGE_MIME_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'] as const;
export type ImageMimeType = (typeof IMAGE_MIME_TYPES)[number];
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

export interface ImageView {
  id: string;
  width: number;
  height: number;
  mime: ImageMimeType;
}

export const sendMessagePayload = z
  .object({
    groupId: id,
    /** Client-chosen id: a retried send returns the first message instead of storing a second. */
    clientId: z.string().min(8).max(64),
    /** May be empty when the message is an image. */
    text: z.string().trim().max(MAX_MESSAGE_TEXT).default(''),
    /** An image uploaded first to POST /api/groups/:groupId/images. */
    imageId: id.optional(),
    replyToSeq: z.number().int().positive().optional(),
    /** Members mentioned with @; they must belong to the group. */
    mentions: z.array(id).max(50).optional(),
    /** @所有人: staff only. */
    mentionAll: z.boolean().optional(),
  })
  .refine((p) => p.text.length > 0 || p.imageId !== undefined, {
    message: 'a message needs text or an image',
    path: ['text'],
  });
export type SendMessagePayload = z.infer<typeof sendMessagePayload>;

/**
 * Per conversation, the change cursor the last sync answer gave (`SyncAnswer.changes`): edits
 * (recall, removal) past it are returned. Absent or 0: every edit of the messages the client holds.
 */
export const changeCursors = z
  .record(id, z.number().int().min(0))
  .refine((c) => Object.keys(c).length <= 500, 'at most 500 conversations');

/** Catch-up: per group, the last seq the client has; the hub answers with what came after and what was edited. */
export const groupSyncPayload = z.object({
  cursors: z.record(id, z.number().int().min(0)).refine((c) => Object.keys(c).length <= 500, 'at most 500 groups'),
  changes: changeCursors.optional(),
  limit: z.number().int().min(1).max(1000).optional(),
});
export type GroupSyncPayload = z.infer<typeof groupSyncPayload>;

export const messageSearchPayload = z.object({ query: z.string().trim().min(1).max(100), groupId: id.optional() });
export type MessageSearchPayload = z.infer<typeof messageSearchPayload>;

/** A search hit: the message and where the query occurs in its text ([start, end) UTF-16 offsets). */
export interface SearchHit {
  message: MessageView;
  matches: [number, number][];
}

export const groupListPayload = z.object({}).strict();

export const groupHistoryPayload = z.object({
  groupId: id,
  beforeSeq: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(200).optional(),
});
export type GroupHistoryPayload = z.infer<typeof groupHistoryPayload>;

export const groupReadPayload = z.object({ groupId: id, seq: z.number().int().min(0) });
export type GroupReadPayload = z.infer<typeof groupReadPayload>;

export const messageRecallPayload = z.object({ groupId: id, seq: z.number().int().positive() });
export type MessageRecallPayload = z.infer<typeof messageRecallPayload>;

export interface GroupView {
  id: string;
  kind: GroupKind;
  name: string;
  unitId: string | null;
  lastSeq: number;
  /** The member's own read cursor. */
  readSeq: number;
  unread: number;
  memberCount: number;
  /** The pinned notice (群公告), if any. */
  notice: GroupNoticeView | null;
  /** Until when the caller may not post here; null when free to. */
  mutedUntil: number | null;
}

export interface GroupNoticeView {
  text: string;
  by: { id: string; name: string };
  at: number;
  /** Whether the caller has read this version. */
  read: boolean;
  /** How many members have read it (shown to staff; null for residents). */
  readCount: number | null;
}

export type MessageStatus = 'ok' | 'recalled' | 'removed';

export interface MessageView {
  id: string;
  groupId: string;
  seq: number;
  sender: { id: string; name: string; role: string };
  clientId: string;
  /** Empty once recalled or removed: the placeholder is all anyone sees. */
  text: string;
  replyToSeq: number | null;
  /** Mentioned member ids (empty once recalled or removed). */
  mentions: string[];
  mentionAll: boolean;
  /** The attached image (null once recalled or removed). */
  image: ImageView | null;
  status: MessageStatus;
  createdAt: number;
  /** The conversation's change seq of this message's last edit (0: never edited). */
  changeSeq: number;
}

/** An edit of a message the client already holds (its seq ≤ the client's cursor): what replaces the cached copy. */
export interface MessageEdit {
  groupId: string;
  id: string;
  seq: number;
  status: MessageStatus;
  changeSeq: number;
}

/**
 * The answer of `group:sync` and `hotline:sync`: new messages after each seq cursor, edits of held
 * messages after each change cursor, and per conversation the change cursor to send next time
 * (conversations the answer did not reach, when `more`, keep theirs).
 */
export interface SyncAnswer {
  messages: MessageView[];
  edits: MessageEdit[];
  changes: Record<string, number>;
  more: boolean;
}

/** Pin a notice (群公告): officers and station heads of the group. */
export const groupNoticePayload = z.object({ groupId: id, text: z.string().trim().min(1).max(1000) });
export type GroupNoticePayload = z.infer<typeof groupNoticePayload>;
export const groupNoticeReadPayload = z.object({ groupId: id });

/** Staff keep order: mute (禁言) for a while, unmute, or remove a member. */
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
]);
export type GroupMemberPayload = z.infer<typeof groupMemberPayload>;

/** "Is typing" and "who is here": ephemeral, never stored. */
export const groupTypingPayload = z.object({ groupId: id });
export const groupPresencePayload = z.object({ groupId: id });

export interface GroupMemberView {
  id: string;
  name: string;
  role: string;
  mutedUntil: number | null;
  /** pending: registered and waiting for approval (listed to staff only). */
  status: 'active' | 'pending';
}

/** Open (or find) the one-to-one conversation with another staff member. */
export const groupDirectPayload = z.object({ userId: id });
