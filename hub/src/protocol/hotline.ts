import { MAX_MESSAGE_TEXT, type ChangeCursors, type MessageView } from './groups.ts';

/**
 * Station-head hotline (所长热线 / 微信所长): a resident writes to the head of their own station; the
 * head (or staff they delegate to) answers, hands the thread to an officer or to another
 * department, resolves it, and the resident rates the answer.
 *
 * A thread is a conversation of the shared message pipeline (a `groups` row of kind `hotline`):
 * its messages carry the same gap-free `seq`, client-id idempotency and cursor sync as group
 * chat, and `threadId` is that conversation's id (also the `groupId` of its `MessageView`s).
 * Internal notes live outside the pipeline and are only ever sent to staff. Messages in a thread
 * are a record: they are not recalled, and the group commands (`group:*`, `message:*`) treat a
 * thread id as unknown.
 *
 * Live: a resident's sockets get `hotline:message-created` and `hotline:thread-changed` for their
 * own threads; the desk (the station head and delegates) gets them for every thread of the
 * station, and an assignee for the threads assigned to them. On (re)connect a client lists
 * (`hotline:mine` / `hotline:inbox`) and catches up with `hotline:sync`.
 *
 * REST (all under `/api/hotline`, JSON, same bodies and errors as the socket commands):
 * - `GET  /stations/:code`               public: what the `/h/<code>` landing shows ({@link HotlineStationInfo})
 * - `GET  /threads?filter=&category=&status=&limit=&before=`  a resident's own threads, or a staff inbox
 * - `POST /threads`                      {@link HotlineCreatePayload} → 201 `{ ok, thread, message, duplicate }`
 * - `GET  /threads/:id`                  `{ ok, thread }`
 * - `GET  /threads/:id/messages?beforeSeq=&limit=`  `{ ok, messages }` (older first)
 * - `POST /threads/:id/messages`         `{ clientId, text, imageId? }` → `{ ok, message, duplicate }`
 * - `POST /threads/:id/rating`           `{ score, comment? }` → `{ ok, thread }`
 * - `GET  /threads/:id/notes`            staff: `{ ok, notes }`
 * - `POST /threads/:id/notes`            staff: `{ clientId, text }` → `{ ok, note, duplicate }`
 * - `GET  /figures?stationIds=a,b&from=&to=`  staff and bots: `{ ok, figures }` ({@link HotlineFigures})
 * Images: upload with `POST /api/groups/:threadId/images` (raw body), then send `imageId`;
 * read with `GET /api/images/:id` and `/thumb` — the group image pipeline, open to the thread's
 * participants only (the resident, and staff once they have opened the thread with
 * `hotline:thread`, `hotline:history` or `hotline:read`).
 */

/** 咨询, 求助, 意见建议, 投诉, 纠纷. */
export const HOTLINE_CATEGORIES = ['consultation', 'help', 'suggestion', 'complaint', 'dispute'] as const;
export type HotlineCategory = (typeof HOTLINE_CATEGORIES)[number];

/**
 * open: waiting for the first answer; in_progress: answered or assigned; handed_off: passed to
 * another department (一报警三分发), may still be resolved; resolved: closed with a summary (the
 * resident may rate it, and reopen it within {@link HOTLINE_REOPEN_WINDOW_MS}).
 */
export const HOTLINE_STATUSES = ['open', 'in_progress', 'handed_off', 'resolved'] as const;
export type HotlineStatus = (typeof HOTLINE_STATUSES)[number];

/** Inbox filters: all, no first answer yet, assigned to me, past the response target without an answer. */
export const HOTLINE_FILTERS = ['all', 'unanswered', 'mine', 'overdue'] as const;
export type HotlineFilter = (typeof HOTLINE_FILTERS)[number];

/** The `kind` of a hotline thread's conversation in the shared message pipeline. */
export const HOTLINE_CONVERSATION_KIND = 'hotline';

/** How long after resolution the resident may reopen a thread. */
export const HOTLINE_REOPEN_WINDOW_MS = 7 * 24 * 3600_000;
export const MAX_HOTLINE_TEXT = MAX_MESSAGE_TEXT;
export const MAX_HOTLINE_NOTE = 2000;
export const MAX_DEPARTMENT = 100;

/** `hotline:create` (resident): a new thread to the head of the resident's own station. */
export interface HotlineCreatePayload {
  clientId: string;
  category: HotlineCategory;
  text: string;
  /** Where it happens (optional, free text: 小区、楼栋、路口). */
  place?: string | undefined;
}

/** `hotline:send`: a message in a thread (the resident, or a reply from staff handling it). */
export interface HotlineSendPayload {
  threadId: string;
  clientId: string;
  /** May be empty when the message is an image. */
  text: string;
  /** Uploaded first to `POST /api/groups/:threadId/images`. */
  imageId?: string | undefined;
}

/** `hotline:inbox` (staff): the threads of the stations they handle (as parsed, defaults filled in). */
export interface HotlineInboxPayload {
  filter: HotlineFilter;
  category?: HotlineCategory | undefined;
  status?: HotlineStatus | undefined;
  /** Paging: threads created before this thread id (ids sort by time). */
  before?: string | undefined;
  limit: number;
}

export interface HotlineThreadPayload {
  threadId: string;
}

/** `hotline:sync`: per thread, the last seq the client holds; answers what came after (threads not the caller's are ignored). */
export interface HotlineSyncPayload {
  cursors: Record<string, number>;
  changes?: ChangeCursors | undefined;
  limit?: number | undefined;
}

export interface HotlineHistoryPayload {
  threadId: string;
  beforeSeq?: number | undefined;
  limit?: number | undefined;
}

/** `hotline:read`: the caller has read up to `seq`. When staff read, the resident sees it (已读). */
export interface HotlineReadPayload {
  threadId: string;
  seq: number;
}

/** `hotline:assign` (head / delegates): hand the thread to an officer of the station. */
export interface HotlineAssignPayload {
  threadId: string;
  assigneeId: string;
}

/** `hotline:hand-off`: not police business — passed to another department; the resident is told in the thread. */
export interface HotlineHandOffPayload {
  threadId: string;
  clientId: string;
  department: string;
  reason: string;
}

/** `hotline:resolve`: closes the thread; the summary is posted to the resident as a message. */
export interface HotlineResolvePayload {
  threadId: string;
  clientId: string;
  summary: string;
}

/** `hotline:rate` (the thread's resident, once, when resolved). */
export interface HotlineRatePayload {
  threadId: string;
  score: number;
  comment?: string | undefined;
}

/** `hotline:reopen` (the thread's resident, within 7 days of resolution): the reason is posted as a message. */
export interface HotlineReopenPayload {
  threadId: string;
  clientId: string;
  reason: string;
}

/** `hotline:note` (staff): an internal note the resident never sees. */
export interface HotlineNotePayload {
  threadId: string;
  clientId: string;
  text: string;
}

/** `hotline:follow-up` (staff): schedule a follow-up visit (回访), or record it done. */
export type HotlineFollowUpPayload =
  | { action: 'schedule'; threadId: string; at: number; note: string }
  | { action: 'done'; threadId: string; note: string };

/** `hotline:canned-save` (head / delegates): add a canned reply (常用回复), or change it when `id` is given. */
export interface HotlineCannedSavePayload {
  id?: string | undefined;
  title: string;
  text: string;
}

/** `hotline:delegate` (station head): let someone besides the head handle the station's hotline, or stop. */
export interface HotlineDelegatePayload {
  userId: string;
  enabled: boolean;
}

export interface HotlinePerson {
  id: string;
  name: string;
  role: string;
}

/**
 * A thread as a client sees it. The same shape for residents and staff; `staff` is null in every
 * payload a resident receives, and `resident.phone` is always masked (139****0012).
 */
export interface HotlineThreadView {
  /** Also the conversation id: `MessageView.groupId` of the thread's messages. */
  id: string;
  station: { id: string; name: string; code: string };
  category: HotlineCategory;
  status: HotlineStatus;
  /** The opening text, cut to 60 characters, for lists. */
  subject: string;
  place: string | null;
  resident: { id: string; name: string; phone: string | null };
  createdAt: number;
  /** The response target: a first answer is due by then (for the live timer). */
  dueAt: number;
  firstAnsweredAt: number | null;
  lastSeq: number;
  lastMessageAt: number;
  /** A resident's own read cursor; in staff views, the desk's (= staffReadSeq), so unread = lastSeq - readSeq on both sides. */
  readSeq: number;
  /** How far staff have read, and when they last read (已读). */
  staffReadSeq: number;
  staffReadAt: number | null;
  /** Who is handling it: the assigned officer, or null while it waits in the head's inbox. */
  handler: HotlinePerson | null;
  handoff: { department: string; reason: string; at: number; by: HotlinePerson } | null;
  resolution: { summary: string; at: number; by: HotlinePerson } | null;
  rating: { score: number; comment: string | null; at: number } | null;
  /** Until when the resident may reopen it (resolved threads only). */
  reopenUntil: number | null;
  updatedAt: number;
  /** Staff-only fields; always null for residents. */
  staff: HotlineStaffFields | null;
}

/** What only the staff handling a thread see. */
export interface HotlineStaffFields {
  /** The resident's full phone number. */
  residentPhone: string | null;
  /** The resident's grid (and community). */
  residentUnit: { id: string; name: string } | null;
  /** No first answer and past the target. */
  overdue: boolean;
  /** When the station head was told it is overdue (once). */
  overdueFlaggedAt: number | null;
  noteCount: number;
  followUp: { at: number; note: string; doneAt: number | null } | null;
  /** The community officer of the resident's grid, suggested first for assignment. */
  suggestedAssignee: HotlinePerson | null;
}

/** An internal note: staff only, kept out of the message pipeline. */
export interface HotlineNoteView {
  id: string;
  threadId: string;
  author: HotlinePerson;
  clientId: string;
  text: string;
  createdAt: number;
}

/** A canned reply (常用回复) of a station. */
export interface HotlineCannedView {
  id: string;
  stationId: string;
  title: string;
  text: string;
  updatedAt: number;
}

/** Someone a thread may be assigned to. */
export interface HotlineAssignable extends HotlinePerson {
  unitName: string;
  /** The community officer of the resident's grid. */
  suggested: boolean;
}

/** GET /api/hotline/stations/:code — public: what the landing `/h/<code>` shows before sign-up. */
export interface HotlineStationInfo {
  ok: true;
  station: { code: string; name: string };
  /** The station head (所长): name and avatar initials (no photos are kept). */
  head: { name: string; initials: string } | null;
  /** Promised time to the first answer. */
  responseTargetMinutes: number;
  categories: readonly HotlineCategory[];
}

/**
 * What changed, so a client can tell the person (a toast, a badge). `follow_up` and `overdue`
 * reach staff only; every other change reaches both sides, each with its own projection.
 */
export type HotlineChange =
  | 'created'
  | 'message'
  | 'read'
  | 'assigned'
  | 'handed_off'
  | 'resolved'
  | 'rated'
  | 'reopened'
  | 'follow_up'
  | 'overdue';

/** Median and 90th percentile of durations in ms; null when there is nothing to measure. */
export interface DurationFigures {
  count: number;
  medianMs: number | null;
  p90Ms: number | null;
}

/**
 * Upper bounds (exclusive) of the time-to-first-answer bands, in ms: < 15 min, 15–30 min,
 * 30–60 min, 1–2 h, 2–4 h; a sixth band holds everything from 4 h on.
 */
export const FIRST_ANSWER_BANDS_MS = [15 * 60_000, 30 * 60_000, 60 * 60_000, 2 * 3_600_000, 4 * 3_600_000] as const;

/** `counts[i]`: first answers in band i (six bands, see {@link FIRST_ANSWER_BANDS_MS}); `unanswered`: threads without one. */
export interface FirstAnswerBands {
  counts: number[];
  unanswered: number;
}

/**
 * Figures for reports: threads created in [fromMs, toMs) at the given stations.
 * `HotlineService.figures(stationIds, fromMs, toMs)` returns this; so does GET /api/hotline/figures.
 */
export interface HotlineFigures {
  stationIds: string[];
  fromMs: number;
  toMs: number;
  total: number;
  byCategory: Record<HotlineCategory, number>;
  byStatus: Record<HotlineStatus, number>;
  /** Threads with a first answer (a staff reply, a hand-off or a resolution). */
  answered: number;
  /** answered / total (0 when total is 0). */
  answeredShare: number;
  /** Threads answered within the response target. */
  answeredInTarget: number;
  /** Threads that were flagged overdue. */
  overdue: number;
  handedOff: number;
  timeToFirstAnswer: DurationFigures;
  /** Answered threads by time to first answer, in the bands of {@link FIRST_ANSWER_BANDS_MS}; plus the unanswered ones. */
  firstAnswerBands: FirstAnswerBands;
  /** From creation to (the last) resolution, over resolved threads. */
  resolutionTime: DurationFigures;
  satisfaction: {
    ratings: number;
    /** Mean score 1–5; null without ratings. */
    average: number | null;
    /** Ratings of 4 or 5 / ratings (0 without ratings). */
    satisfiedShare: number;
    /** Count of each score, index 0 = score 1. */
    distribution: [number, number, number, number, number];
  };
}

/** Acknowledgement bodies of the hotline commands. */
export interface HotlineThreadResult {
  thread: HotlineThreadView;
}
export interface HotlineMessageResult {
  message: MessageView;
  duplicate: boolean;
}
