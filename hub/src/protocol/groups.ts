/** Grid groups (网格群) hold a grid's staff and residents; the others are staff-only. */
export const GROUP_KINDS = ['grid', 'squad', 'command_room', 'station_staff', 'direct'] as const;
export type GroupKind = (typeof GROUP_KINDS)[number];

export const MAX_MESSAGE_TEXT = 2000;
/** Longest pinned notice (群公告). */
export const MAX_NOTICE_TEXT = 1000;
/** How long a sender may recall their own message (撤回). */
export const RECALL_WINDOW_MS = 2 * 60_000;

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

/** `message:send`: a message in a group (text, an image, or both). */
export interface SendMessagePayload {
  groupId: string;
  /** Client-chosen id: a retried send returns the first message instead of storing a second. */
  clientId: string;
  /** May be empty when the message is an image. */
  text: string;
  /** An image uploaded first to POST /api/groups/:groupId/images. */
  imageId?: string | undefined;
  replyToSeq?: number | undefined;
  /** Members mentioned with @; they must belong to the group. */
  mentions?: string[] | undefined;
  /** @所有人: staff only. */
  mentionAll?: boolean | undefined;
}

/**
 * Per conversation, the change cursor the last sync answer gave (`SyncAnswer.changes`): edits
 * (recall, removal) past it are returned. Absent or 0: every edit of the messages the client holds.
 */
export type ChangeCursors = Record<string, number>;

/** Catch-up: per group, the last seq the client has; the hub answers with what came after and what was edited. */
export interface GroupSyncPayload {
  cursors: Record<string, number>;
  changes?: ChangeCursors | undefined;
  limit?: number | undefined;
}

export interface MessageSearchPayload {
  query: string;
  groupId?: string | undefined;
}

/** A search hit: the message and where the query occurs in its text ([start, end) UTF-16 offsets). */
export interface SearchHit {
  message: MessageView;
  matches: [number, number][];
}

export interface GroupHistoryPayload {
  groupId: string;
  beforeSeq?: number | undefined;
  limit?: number | undefined;
}

export interface GroupReadPayload {
  groupId: string;
  seq: number;
}

export interface MessageRecallPayload {
  groupId: string;
  seq: number;
}

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
  /**
   * Per conversation whose older history was deleted by retention, when the cursor lies below it:
   * the first seq that still exists. Every seq under it is gone for good, so the messages from it
   * on are not a gap: the client drops what it held and holds the conversation from the floor on.
   */
  floors?: Record<string, number>;
}

/**
 * `group:presence-changed`: members of the group who came online or went offline (their last
 * socket on every node closed) in the last second. Sent only to sockets watching the group
 * (`group:watch`, its chat open), not to every member. `resync`: too many changed at once; ask
 * `group:presence` anew.
 */
export interface GroupPresenceChange {
  groupId: string;
  online: string[];
  offline: string[];
  resync?: boolean;
}

/** Pin a notice (群公告): officers and station heads of the group, and a grid's own grid workers. */
export interface GroupNoticePayload {
  groupId: string;
  text: string;
}

/** Staff keep order: mute (禁言) for a while, unmute, or remove a member; approve or reject a registered one. */
export type GroupMemberPayload =
  | { action: 'mute'; groupId: string; userId: string; minutes: number }
  | { action: 'unmute'; groupId: string; userId: string }
  | { action: 'remove'; groupId: string; userId: string }
  | { action: 'approve'; groupId: string; userId: string }
  | { action: 'reject'; groupId: string; userId: string };

export type GroupMemberAction = GroupMemberPayload['action'];

export interface GroupMemberView {
  id: string;
  name: string;
  role: string;
  mutedUntil: number | null;
  /** pending: registered and waiting for approval (listed to staff only); removed: only in the answer to a removal or rejection. */
  status: 'active' | 'pending' | 'removed';
}

/** The widest seq window one `group:read-counts` may ask for (a screenful and some). */
export const MAX_READ_COUNT_SPAN = 200;
/** At most this many people per list of a `group:readers` answer; the totals say how many there are. */
export const MAX_READERS_LISTED = 200;

/** `group:read-counts`: the unread counts of the staff messages with seq in [fromSeq, toSeq]. */
export interface GroupReadCountsPayload {
  groupId: string;
  fromSeq: number;
  toSeq: number;
}

/**
 * How many members have not read one staff message (未读): active members other than its sender
 * whose read cursor lies below it, leaving out those who joined after it was sent.
 */
export interface ReadCount {
  seq: number;
  unread: number;
}

/** The answer of `group:read-counts`, and `group:reads-changed`: counts in [fromSeq, toSeq] replace the held ones. */
export interface GroupReadCounts {
  groupId: string;
  fromSeq: number;
  toSeq: number;
  /** Staff messages of the window only; other seqs carry no read status. */
  counts: ReadCount[];
}

/** `group:readers`: who has and who has not read one staff message (已读 / 未读). */
export interface GroupReadersPayload {
  groupId: string;
  seq: number;
}

/** A member as a read list shows them. */
export interface ReaderView {
  id: string;
  name: string;
  role: string;
}

/** Who has not read something (未读) and who has (已读). */
export interface ReadLists {
  unread: ReaderView[];
  read: ReaderView[];
  /** The full sizes of both lists (each list holds at most {@link MAX_READERS_LISTED}). */
  unreadTotal: number;
  readTotal: number;
}

export interface GroupReaders extends ReadLists {
  seq: number;
}

/**
 * The answer of `group:notice-readers` (staff only): who has and has not read the pinned notice's
 * current version (`at`); every active member but its author is asked to read it.
 */
export interface GroupNoticeReaders extends ReadLists {
  at: number;
}
