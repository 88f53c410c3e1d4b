import type { Result } from './error-codes.ts';
import type { ErrorBody } from './error-codes.ts';
import type { PingPayload, PresenceQueryPayload } from './system.ts';
import type { PushVisibilityPayload } from './push.ts';
import type { MatterCreatePayload, MatterListPayload, MatterUpdatePayload, MatterView } from './matters.ts';
import type {
  GroupHistoryPayload,
  GroupMemberPayload,
  GroupMemberView,
  GroupNoticePayload,
  GroupPresenceChange,
  GroupReadCounts,
  GroupReadCountsPayload,
  GroupNoticeReaders,
  GroupReaders,
  GroupReadersPayload,
  GroupReadPayload,
  GroupSyncPayload,
  GroupView,
  MessageRecallPayload,
  MessageSearchPayload,
  MessageView,
  SyncAnswer,
  SearchHit,
  SendMessagePayload,
} from './groups.ts';
import type {
  AssignmentView,
  BoardView,
  CreateOrderPayload,
  DutyPayload,
  OrderActionPayload,
  OrderActivityEntry,
  OrderActivityPayload,
  OrderAmendPayload,
  OrderCancelPayload,
  OrderChasePayload,
  OrderEscalatedEvent,
  OrderForwardPayload,
  OrderReassignPayload,
  OrderReceiptPayload,
  OrderRemindedEvent,
  OrderSearchPayload,
  OrderSyncPayload,
  OrderView,
  OrderWatchPayload,
  RecipientState,
} from './orders.ts';
import type {
  HotlineAssignable,
  HotlineAssignPayload,
  HotlineCannedSavePayload,
  HotlineCannedView,
  HotlineChange,
  HotlineCreatePayload,
  HotlineDelegatePayload,
  HotlineFollowUpPayload,
  HotlineHandOffPayload,
  HotlineHistoryPayload,
  HotlineInboxPayload,
  HotlineNotePayload,
  HotlineNoteView,
  HotlinePerson,
  HotlineRatePayload,
  HotlineReadPayload,
  HotlineReopenPayload,
  HotlineResolvePayload,
  HotlineSendPayload,
  HotlineSyncPayload,
  HotlineThreadView,
} from './hotline.ts';

/** Why the hub closed a session's (or a bot token's) sockets. */
export type RevokeReason = 'logged_out' | 'account_disabled' | 'session_expired' | 'token_revoked';

/** Events the hub emits to clients: facts, named in the past tense. */
export interface ServerToClientEvents {
  /** The socket's session ended; the client stops reconnecting and shows the log-in page. */
  'session:revoked': (payload: { reason: RevokeReason }) => void;
  /** An event the client sent without an acknowledgement callback failed. */
  'request:failed': (payload: { event: string; error: ErrorBody }) => void;
  /** A notice for everyone in a room (used by operations and, until the flows land, by the pipe test). */
  'system:announced': (payload: { room: string; text: string; at: number }) => void;
  /** A new order for this person (persisted before it was sent). */
  'order:assigned': (payload: AssignmentView) => void;
  /** This person's own assignment moved (on another of their devices): the assignment as it now stands. */
  'order:progressed': (payload: AssignmentView) => void;
  /** A new order in the command scope of this dispatcher (sent by them or a colleague). */
  'order:issued': (payload: { order: OrderView; board: BoardView }) => void;
  /** An order this person holds was amended or cancelled: the order as it now stands. */
  'order:changed': (payload: OrderView) => void;
  /** The closed-loop counts of a watched order (coalesced: a few per second at most). */
  'order:board': (payload: BoardView) => void;
  /**
   * New activity in this dispatcher's command scope (签收, 进展, 反馈, 退回, 改派), newest first, a
   * few orders' worth at a time (coalesced like boards). May repeat entries: clients merge by id.
   */
  'order:activity-logged': (payload: { entries: OrderActivityEntry[] }) => void;
  /** Chase (催办): this person's assignment is due. */
  'order:reminded': (payload: OrderRemindedEvent) => void;
  /** Notice (通报): someone under this person is late past every reminder. */
  'order:escalated': (payload: OrderEscalatedEvent) => void;
  /** A new message in one of this person's groups (already persisted, with its seq). */
  'message:created': (payload: MessageView) => void;
  /** A message was recalled or removed: show the placeholder. */
  'message:changed': (payload: MessageView) => void;
  /** A group's notice or members changed: refresh it with group:list. */
  'group:changed': (payload: { groupId: string }) => void;
  /** Someone in the group is typing (ephemeral; not stored). */
  'group:typing': (payload: { groupId: string; user: { id: string; name: string } }) => void;
  /** Members came online or went offline (ephemeral; gathered over a second). */
  'group:presence-changed': (payload: GroupPresenceChange) => void;
  /**
   * Staff sockets watching the group (`group:watch`, its chat open) only: read cursors moved, so these
   * are the unread counts of the group's latest staff messages now (gathered over a second: one event
   * per group, not per read).
   */
  'group:reads-changed': (payload: GroupReadCounts) => void;
  /** A matter of one of this person's groups was registered or changed. */
  'matter:changed': (payload: MatterView) => void;
  /** Bots only: a person asked for a report over REST; the bot adds the conversation summaries. */
  'report:created': (payload: { reportId: string }) => void;
  /** A new message in one of this person's hotline threads (persisted, with its seq; groupId is the thread id). */
  'hotline:message-created': (payload: MessageView) => void;
  /** A hotline thread changed (or arrived in a staff inbox); residents get it with `staff: null`. */
  'hotline:thread-changed': (payload: { thread: HotlineThreadView; change: HotlineChange }) => void;
  /** An internal note on a thread (staff handling the station's hotline only). */
  'hotline:note-added': (payload: HotlineNoteView) => void;
  /** To the station head, once per thread: no first answer within the response target. */
  'hotline:overdue': (payload: { thread: HotlineThreadView }) => void;
  /** The station's canned replies changed: fetch them again with hotline:canned. */
  'hotline:canned-changed': (payload: { stationId: string }) => void;
}

/** Commands clients send: `domain:verb`, one payload object, always acknowledged. */
export interface ClientToServerEvents {
  'system:ping': (
    payload: PingPayload,
    ack: (res: Result<{ echo: string | null; serverTime: number; node: string }>) => void,
  ) => void;
  'presence:query': (payload: PresenceQueryPayload, ack: (res: Result<{ online: string[] }>) => void) => void;
  /** This page is open and visible (renewed every 30 s) or hidden: no Web Push to its devices while visible. */
  'push:visibility': (payload: PushVisibilityPayload, ack: (res: Result) => void) => void;
  'order:create': (
    payload: CreateOrderPayload,
    ack: (res: Result<{ order: OrderView; recipients: number; duplicate: boolean }>) => void,
  ) => void;
  'order:receipt': (payload: OrderReceiptPayload, ack: (res: Result<{ updated: number }>) => void) => void;
  'order:act': (
    payload: OrderActionPayload,
    ack: (res: Result<{ state: RecipientState; changed: boolean }>) => void,
  ) => void;
  'order:forward': (
    payload: OrderForwardPayload,
    ack: (res: Result<{ order: OrderView; recipients: number; duplicate: boolean }>) => void,
  ) => void;
  'order:sync': (
    payload: OrderSyncPayload,
    ack: (res: Result<{ assignments: AssignmentView[]; cursor: number; more: boolean; reset: boolean }>) => void,
  ) => void;
  'order:watch': (payload: OrderWatchPayload, ack: (res: Result<{ boards: BoardView[] }>) => void) => void;
  'order:chase': (payload: OrderChasePayload, ack: (res: Result<{ chased: string[] }>) => void) => void;
  'order:cancel': (payload: OrderCancelPayload, ack: (res: Result<{ order: OrderView }>) => void) => void;
  'order:amend': (payload: OrderAmendPayload, ack: (res: Result<{ order: OrderView }>) => void) => void;
  /** The command room's activity feed: newest first, a bounded page; `before` pages back. */
  'order:activity': (
    payload: OrderActivityPayload,
    ack: (res: Result<{ entries: OrderActivityEntry[]; more: boolean }>) => void,
  ) => void;
  /** Active or finished orders of the caller's scope matching the filters, newest first, a page at a time. */
  'order:search': (
    payload: OrderSearchPayload,
    ack: (res: Result<{ orders: { order: OrderView; board: BoardView }[]; more: boolean }>) => void,
  ) => void;
  /** 改派: a returned share of an order goes to someone else; they receive it as a new assignment. */
  'order:reassign': (payload: OrderReassignPayload, ack: (res: Result<{ board: BoardView }>) => void) => void;
  'duty:set': (payload: DutyPayload, ack: (res: Result<{ onDuty: boolean }>) => void) => void;
  'group:list': (payload: Record<string, never>, ack: (res: Result<{ groups: GroupView[] }>) => void) => void;
  'group:sync': (payload: GroupSyncPayload, ack: (res: Result<SyncAnswer>) => void) => void;
  'group:history': (payload: GroupHistoryPayload, ack: (res: Result<{ messages: MessageView[] }>) => void) => void;
  'group:read': (payload: GroupReadPayload, ack: (res: Result<{ readSeq: number }>) => void) => void;
  /** Staff members only: unread counts of the staff messages in a window (see {@link GroupReadCounts}). */
  'group:read-counts': (payload: GroupReadCountsPayload, ack: (res: Result<GroupReadCounts>) => void) => void;
  /** Staff members only: who has and has not read one staff message. */
  'group:readers': (payload: GroupReadersPayload, ack: (res: Result<{ readers: GroupReaders }>) => void) => void;
  'message:send': (
    payload: SendMessagePayload,
    ack: (res: Result<{ message: MessageView; duplicate: boolean }>) => void,
  ) => void;
  'message:recall': (payload: MessageRecallPayload, ack: (res: Result<{ message: MessageView }>) => void) => void;
  'message:search': (payload: MessageSearchPayload, ack: (res: Result<{ hits: SearchHit[] }>) => void) => void;
  'group:direct': (payload: { userId: string }, ack: (res: Result<{ group: GroupView }>) => void) => void;
  'group:notice': (payload: GroupNoticePayload, ack: (res: Result<{ at: number }>) => void) => void;
  'group:notice-read': (payload: { groupId: string }, ack: (res: Result<{ read: boolean }>) => void) => void;
  /** Staff members only: who has and has not read the pinned notice. */
  'group:notice-readers': (
    payload: { groupId: string },
    ack: (res: Result<{ readers: GroupNoticeReaders }>) => void,
  ) => void;
  /** A resident turned away or removed asks to join their grid's group again (at most once a day). */
  'group:ask-again': (payload: Record<string, never>, ack: (res: Result<{ groupId: string }>) => void) => void;
  'group:member': (payload: GroupMemberPayload, ack: (res: Result<{ member: GroupMemberView }>) => void) => void;
  'group:members': (payload: { groupId: string }, ack: (res: Result<{ members: GroupMemberView[] }>) => void) => void;
  'group:typing': (payload: { groupId: string }, ack: (res: Result) => void) => void;
  'group:presence': (payload: { groupId: string }, ack: (res: Result<{ online: string[] }>) => void) => void;
  /**
   * One watched group per socket (its open chat): from now on told who comes and goes in it and, staff
   * only, its read counts. Answers who is online now; `null` stops watching.
   */
  'group:watch': (payload: { groupId: string | null }, ack: (res: Result<{ online: string[] }>) => void) => void;
  'matter:create': (payload: MatterCreatePayload, ack: (res: Result<{ matter: MatterView }>) => void) => void;
  'matter:update': (payload: MatterUpdatePayload, ack: (res: Result<{ matter: MatterView }>) => void) => void;
  'matter:list': (payload: MatterListPayload, ack: (res: Result<{ matters: MatterView[] }>) => void) => void;
  'hotline:create': (
    payload: HotlineCreatePayload,
    ack: (res: Result<{ thread: HotlineThreadView; message: MessageView; duplicate: boolean }>) => void,
  ) => void;
  'hotline:send': (
    payload: HotlineSendPayload,
    ack: (res: Result<{ message: MessageView; duplicate: boolean }>) => void,
  ) => void;
  'hotline:mine': (
    payload: Record<string, never>,
    ack: (res: Result<{ threads: HotlineThreadView[] }>) => void,
  ) => void;
  'hotline:inbox': (
    payload: Partial<HotlineInboxPayload>,
    ack: (
      res: Result<{
        threads: HotlineThreadView[];
        /** Stations whose desk the caller works (head or delegate); a mere assignee has none. */ deskStationIds: string[];
      }>,
    ) => void,
  ) => void;
  'hotline:thread': (payload: { threadId: string }, ack: (res: Result<{ thread: HotlineThreadView }>) => void) => void;
  'hotline:sync': (payload: HotlineSyncPayload, ack: (res: Result<SyncAnswer>) => void) => void;
  'hotline:history': (payload: HotlineHistoryPayload, ack: (res: Result<{ messages: MessageView[] }>) => void) => void;
  'hotline:read': (payload: HotlineReadPayload, ack: (res: Result<{ readSeq: number }>) => void) => void;
  'hotline:assign': (payload: HotlineAssignPayload, ack: (res: Result<{ thread: HotlineThreadView }>) => void) => void;
  'hotline:hand-off': (
    payload: HotlineHandOffPayload,
    ack: (res: Result<{ thread: HotlineThreadView; message: MessageView }>) => void,
  ) => void;
  'hotline:resolve': (
    payload: HotlineResolvePayload,
    ack: (res: Result<{ thread: HotlineThreadView; message: MessageView }>) => void,
  ) => void;
  'hotline:rate': (payload: HotlineRatePayload, ack: (res: Result<{ thread: HotlineThreadView }>) => void) => void;
  'hotline:reopen': (
    payload: HotlineReopenPayload,
    ack: (res: Result<{ thread: HotlineThreadView; message: MessageView }>) => void,
  ) => void;
  'hotline:note': (
    payload: HotlineNotePayload,
    ack: (res: Result<{ note: HotlineNoteView; duplicate: boolean }>) => void,
  ) => void;
  'hotline:notes': (payload: { threadId: string }, ack: (res: Result<{ notes: HotlineNoteView[] }>) => void) => void;
  'hotline:follow-up': (
    payload: HotlineFollowUpPayload,
    ack: (res: Result<{ thread: HotlineThreadView }>) => void,
  ) => void;
  'hotline:staff': (payload: { threadId: string }, ack: (res: Result<{ staff: HotlineAssignable[] }>) => void) => void;
  'hotline:canned': (
    payload: Record<string, never>,
    ack: (res: Result<{ replies: HotlineCannedView[] }>) => void,
  ) => void;
  'hotline:canned-save': (
    payload: HotlineCannedSavePayload,
    ack: (res: Result<{ reply: HotlineCannedView }>) => void,
  ) => void;
  'hotline:canned-delete': (payload: { id: string }, ack: (res: Result<{ deleted: boolean }>) => void) => void;
  'hotline:delegates': (
    payload: Record<string, never>,
    ack: (res: Result<{ delegates: HotlinePerson[] }>) => void,
  ) => void;
  'hotline:delegate': (
    payload: HotlineDelegatePayload,
    ack: (res: Result<{ delegates: HotlinePerson[] }>) => void,
  ) => void;
}

/** Between hub nodes (the Redis adapter's serverSideEmit). */
export interface InterServerEvents {
  /** A large fan-out: each node emits the event to its own sockets in these rooms (see realtime/fanout). */
  'fanout:rooms': (m: {
    rooms: string[];
    except: string[];
    event: keyof ServerToClientEvents;
    payload: unknown;
  }) => void;
  /** A batch of one order's changed assignments: each node hands its own sockets their person's. */
  'order:progressed': (batch: ProgressBatch) => void;
  /** Sessions ended: each node drops their cached principals, tells their sockets why and closes them (realtime/revocation). */
  'sessions:end': (m: { sessionIds: string[]; reason: RevokeReason }) => void;
  /** People changed or disabled: each node drops their cached principals before their sockets close. */
  'principals:forget': (m: { userIds: string[] }) => void;
  /** Groups whose read cursors moved on the sending node this second: each node counts those its own sockets watch. */
  'group:reads-moved': (groupIds: string[]) => void;
}

/** Changed assignments of one order, the order itself once (see order-notifier). */
export interface ProgressBatch {
  order: AssignmentView['order'];
  /** `origin`: the socket the change came from, which knows already (its command was answered). */
  assignments: (Omit<AssignmentView, 'order'> & { userId: string; origin?: string | undefined })[];
}

/** Connection errors the handshake refuses with (`connect_error`'s `data`) that end the session. */
export type HandshakeErrorCode = 'unauthenticated' | 'session_expired' | 'origin_rejected' | 'account_disabled';
/** Every handshake refusal: the above, or a passing one to retry later (the person's connection cap). */
export type HandshakeRefusalCode = HandshakeErrorCode | 'too_many_connections';
