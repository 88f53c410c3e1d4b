import { z } from 'zod';
import { instant, instantQuery, MAX_RANGE_MS } from './time-window.ts';
import type { MessageView } from './groups.ts';
import { changeCursors, MAX_MESSAGE_TEXT } from './groups.ts';

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
 * - `POST /threads`                      {@link hotlineCreatePayload} → 201 `{ ok, thread, message, duplicate }`
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

const id = z.string().min(1).max(64);
const clientId = z.string().min(8).max(64);

/** `hotline:create` (resident): a new thread to the head of the resident's own station. */
export const hotlineCreatePayload = z.object({
  clientId,
  category: z.enum(HOTLINE_CATEGORIES),
  text: z.string().trim().min(1).max(MAX_HOTLINE_TEXT),
  /** Where it happens (optional, free text: 小区、楼栋、路口). */
  place: z.string().trim().min(1).max(200).optional(),
});
export type HotlineCreatePayload = z.infer<typeof hotlineCreatePayload>;

/** `hotline:send`: a message in a thread (the resident, or a reply from staff handling it). */
export const hotlineSendPayload = z
  .object({
    threadId: id,
    clientId,
    text: z.string().trim().max(MAX_HOTLINE_TEXT).default(''),
    /** Uploaded first to `POST /api/groups/:threadId/images`. */
    imageId: id.optional(),
  })
  .refine((p) => p.text.length > 0 || p.imageId !== undefined, {
    message: 'a message needs text or an image',
    path: ['text'],
  });
export type HotlineSendPayload = z.infer<typeof hotlineSendPayload>;

/** `hotline:mine` (resident): their own threads, newest activity first. */
export const hotlineMinePayload = z.object({}).strict();

/** `hotline:inbox` (staff): the threads of the stations they handle. */
export const hotlineInboxPayload = z.object({
  filter: z.enum(HOTLINE_FILTERS).default('all'),
  category: z.enum(HOTLINE_CATEGORIES).optional(),
  status: z.enum(HOTLINE_STATUSES).optional(),
  /** Paging: threads created before this thread id (ids sort by time). */
  before: id.optional(),
  limit: z.number().int().min(1).max(200).default(50),
});
export type HotlineInboxPayload = z.infer<typeof hotlineInboxPayload>;

export const hotlineThreadPayload = z.object({ threadId: id });
export type HotlineThreadPayload = z.infer<typeof hotlineThreadPayload>;

/** `hotline:sync`: per thread, the last seq the client holds; answers what came after (threads not the caller's are ignored). */
export const hotlineSyncPayload = z.object({
  cursors: z.record(id, z.number().int().min(0)).refine((c) => Object.keys(c).length <= 500, 'at most 500 threads'),
  changes: changeCursors.optional(),
  limit: z.number().int().min(1).max(1000).optional(),
});
export type HotlineSyncPayload = z.infer<typeof hotlineSyncPayload>;

export const hotlineHistoryPayload = z.object({
  threadId: id,
  beforeSeq: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(200).optional(),
});
export type HotlineHistoryPayload = z.infer<typeof hotlineHistoryPayload>;

/** `hotline:read`: the caller has read up to `seq`. When staff read, the resident sees it (已读). */
export const hotlineReadPayload = z.object({ threadId: id, seq: z.number().int().min(0) });
export type HotlineReadPayload = z.infer<typeof hotlineReadPayload>;

/** `hotline:assign` (head / delegates): hand the thread to an officer of the station. */
export const hotlineAssignPayload = z.object({ threadId: id, assigneeId: id });
export type HotlineAssignPayload = z.infer<typeof hotlineAssignPayload>;

/** `hotline:hand-off`: not police business — passed to another department; the resident is told in the thread. */
export const hotlineHandOffPayload = z.object({
  threadId: id,
  clientId,
  department: z.string().trim().min(1).max(MAX_DEPARTMENT),
  reason: z.string().trim().min(1).max(500),
});
export type HotlineHandOffPayload = z.infer<typeof hotlineHandOffPayload>;

/** `hotline:resolve`: closes the thread; the summary is posted to the resident as a message. */
export const hotlineResolvePayload = z.object({
  threadId: id,
  clientId,
  summary: z.string().trim().min(1).max(MAX_HOTLINE_TEXT),
});
export type HotlineResolvePayload = z.infer<typeof hotlineResolvePayload>;

/** `hotline:rate` (the thread's resident, once, when resolved). */
export const hotlineRatePayload = z.object({
  threadId: id,
  score: z.number().int().min(1).max(5),
  comment: z.string().trim().max(500).optional(),
});
export type HotlineRatePayload = z.infer<typeof hotlineRatePayload>;

/** `hotline:reopen` (the thread's resident, within 7 days of resolution): the reason is posted as a message. */
export const hotlineReopenPayload = z.object({
  threadId: id,
  clientId,
  reason: z.string().trim().min(1).max(MAX_HOTLINE_TEXT),
});
export type HotlineReopenPayload = z.infer<typeof hotlineReopenPayload>;

/** `hotline:note` (staff): an internal note the resident never sees. */
export const hotlineNotePayload = z.object({
  threadId: id,
  clientId,
  text: z.string().trim().min(1).max(MAX_HOTLINE_NOTE),
});
export type HotlineNotePayload = z.infer<typeof hotlineNotePayload>;

/** `hotline:follow-up` (staff): schedule a follow-up visit (回访), or record it done. */
export const hotlineFollowUpPayload = z.discriminatedUnion('action', [
  z.object({ action: z.literal('schedule'), threadId: id, at: instant, note: z.string().trim().max(500).default('') }),
  z.object({ action: z.literal('done'), threadId: id, note: z.string().trim().max(500).default('') }),
]);
export type HotlineFollowUpPayload = z.infer<typeof hotlineFollowUpPayload>;

/** `hotline:canned` (staff): the canned replies (常用回复) of the caller's station. */
export const hotlineCannedListPayload = z.object({}).strict();
/** `hotline:canned-save` (head / delegates): add one, or change it when `id` is given. */
export const hotlineCannedSavePayload = z.object({
  id: id.optional(),
  title: z.string().trim().min(1).max(50),
  text: z.string().trim().min(1).max(MAX_HOTLINE_TEXT),
});
export type HotlineCannedSavePayload = z.infer<typeof hotlineCannedSavePayload>;
export const hotlineCannedDeletePayload = z.object({ id });

/** `hotline:delegates` / `hotline:delegate` (station head): who besides the head handles the station's hotline. */
export const hotlineDelegatesPayload = z.object({}).strict();
export const hotlineDelegatePayload = z.object({ userId: id, enabled: z.boolean() });
export type HotlineDelegatePayload = z.infer<typeof hotlineDelegatePayload>;

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
