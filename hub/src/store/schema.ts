import type { Generated, Insertable } from 'kysely';
import type {
  GroupKind,
  HotlineCategory,
  HotlineStatus,
  MatterCategory,
  MatterStatus,
  MessageStatus,
  OrderPriority,
  OrderStatus,
  RecipientState,
  ReportKind,
  Role,
  UnitKind,
} from '../protocol/index.ts';
import type { PushTables } from './push-schema.ts';

/**
 * Table types for Kysely. Times are UTC milliseconds since the epoch (bigint in PostgreSQL,
 * integer in SQLite), one representation throughout; ids are ULIDs.
 */
export interface Database extends PushTables {
  units: UnitTable;
  users: UserTable;
  sessions: SessionTable;
  bot_tokens: BotTokenTable;
  audit_log: AuditLogTable;
  counters: CounterTable;
  incidents: IncidentTable;
  orders: OrderTable;
  order_recipients: OrderRecipientTable;
  order_events: OrderEventTable;
  duty_status: DutyStatusTable;
  groups: GroupTable;
  group_members: GroupMemberTable;
  messages: MessageTable;
  matters: MatterTable;
  group_notice_reads: GroupNoticeReadTable;
  images: ImageTable;
  hotline_threads: HotlineThreadTable;
  hotline_notes: HotlineNoteTable;
  hotline_canned: HotlineCannedTable;
  hotline_delegates: HotlineDelegateTable;
  reports: ReportTable;
  report_settings: ReportSettingsTable;
  store_probes: StoreProbeTable;
  setup_secrets: SetupSecretTable;
  resident_reviews: ResidentReviewTable;
  retention_runs: RetentionRunTable;
}

/** Owned by retention/retention-runs.ts: one row per sweep run, its claim (holder, lease) and its counts. */
export interface RetentionRunTable {
  /** `daily:<local date>` for the scheduled run (one per day across nodes), `manual:<id>` otherwise. */
  id: string;
  trigger: 'schedule' | 'manual';
  /** The node and process holding the run; only it may extend the lease or finish the run. */
  holder: string;
  started_at: number;
  /** A holder that stops renewing (crashed) loses the run to the next node after this. */
  lease_until: number;
  finished_at: number | null;
  /** JSON: RetentionCounts, kept up to date after every batch so a taken-over run goes on counting. */
  summary: string;
}

/** Owned by account/setup.service.ts: one-time links that create the first administrator. */
export interface SetupSecretTable {
  id: string;
  /** SHA-256 of the secret printed in the start banner; the secret itself is never stored. */
  secret_hash: string;
  created_at: number;
  used_at: number | null;
}

/** Owned by admin/resident-admin.service.ts: a staff member's decision on a resident's registration. */
export interface ResidentReviewTable {
  user_id: string;
  status: 'active' | 'rejected';
  reason: string | null;
  reviewed_by: string | null;
  reviewed_at: number;
}

/** Owned by store/store-health.ts: each node's last write probe. */
export interface StoreProbeTable {
  node: string;
  at: number;
}

/** A row as inserted: columns with a store default (`Generated`) may be left out. */
export type NewRow<T extends keyof Database> = Insertable<Database[T]>;

export interface UnitTable {
  id: string;
  parent_id: string | null;
  kind: UnitKind;
  name: string;
  code: string;
  /** Materialised path of ancestor ids and this id, `/a/b/c/`, for subtree queries by prefix. */
  path: string;
  sort: number;
  created_at: number;
  /** Retired units stay (history points at them) but hold nobody and get no orders. */
  retired_at: Generated<number | null>;
}

export interface UserTable {
  id: string;
  login: string;
  name: string;
  display_name: string;
  role: Role;
  rank: string | null;
  unit_id: string;
  phone: string | null;
  password_hash: string | null;
  disabled_at: number | null;
  created_at: number;
  updated_at: number;
  /** 1 while the password is a temporary one: every route but the password change answers password_change_required. */
  password_change_required: Generated<number>;
  /** When a temporary password stops working (password_expired at log-in); null for a chosen one. */
  password_expires_at: Generated<number | null>;
  /** A resident's account removed on request: personal data erased, the row kept for their messages. */
  deleted_at: Generated<number | null>;
}

export interface SessionTable {
  id: string;
  user_id: string;
  secret_hash: string;
  created_at: number;
  last_verified_at: number;
  /** What the owner sees of the device in their session list (truncated). */
  user_agent: Generated<string | null>;
  address: Generated<string | null>;
}

export interface BotTokenTable {
  id: string;
  user_id: string;
  name: string;
  secret_hash: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface AuditLogTable {
  id: string;
  at: number;
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  /** JSON text: stays the same on both dialects. */
  detail: string | null;
}

export interface CounterTable {
  name: string;
  value: number;
}

export interface IncidentTable {
  id: string;
  station_id: string;
  /** Human number, e.g. 20261123-0007, unique. */
  number: string;
  client_id: string;
  created_by: string;
  reported_at: number;
  category: string;
  source: string;
  place: string;
  caller: string | null;
  summary: string;
  status: string;
  created_at: number;
  updated_at: number;
}

export interface OrderTable {
  id: string;
  issuer_id: string;
  client_id: string;
  /** The unit subtree the issuer may command, recorded at send time. */
  scope_unit_id: string;
  /** Set on a forwarded (转派) sub-assignment: the order it was forwarded from. */
  parent_order_id: string | null;
  incident_id: string | null;
  title: string;
  body: string;
  priority: OrderPriority;
  status: OrderStatus;
  /** JSON: the targets as the dispatcher chose them (audit). */
  targets: string;
  ack_due_at: number;
  complete_due_at: number;
  cancel_reason: string | null;
  rev: number;
  created_at: number;
  updated_at: number;
}

export interface OrderRecipientTable {
  order_id: string;
  user_id: string;
  state: RecipientState;
  delivered_at: number | null;
  read_at: number | null;
  acknowledged_at: number | null;
  completed_at: number | null;
  returned_at: number | null;
  feedback: string | null;
  ack_reminders: number;
  complete_reminders: number;
  /** When the sweep next chases this recipient; null once nothing is due. */
  next_chase_at: number | null;
  escalated_at: number | null;
  rev: number;
}

export interface OrderEventTable {
  id: string;
  order_id: string;
  at: number;
  actor_id: string | null;
  /** The recipient the event is about, when it is about one. */
  subject_id: string | null;
  kind: string;
  client_id: string | null;
  text: string | null;
}

export interface DutyStatusTable {
  user_id: string;
  on_duty: number;
  changed_at: number;
}

export interface GroupTable {
  id: string;
  /** Group kinds, or 'hotline': a hotline thread's conversation (never listed as a group). */
  kind: GroupKind | 'hotline';
  unit_id: string | null;
  name: string;
  /** Highest seq handed out; the next message takes last_seq + 1 under the row's lock. */
  last_seq: number;
  created_at: number;
  notice_text: string | null;
  notice_by: string | null;
  notice_at: number | null;
  /** For a one-to-one group: the two member ids, sorted and joined, unique. */
  pair_key: string | null;
  /** Highest edit count handed out (recall, removal); taken under the row's lock like last_seq. */
  change_seq: Generated<number>;
  /** Set when its unit retired: kept for history, listed to nobody. */
  archived_at: Generated<number | null>;
}

export interface GroupMemberTable {
  group_id: string;
  user_id: string;
  /** pending: registered, waiting for a staff member to approve them into the group. */
  status: 'active' | 'removed' | 'pending';
  read_seq: number;
  /** When they joined (or asked to); for a removed member, when they were turned away or removed. */
  joined_at: number;
  /** Until when the member may not post (禁言); null when free to. */
  muted_until: number | null;
}

export interface MessageTable {
  id: string;
  group_id: string;
  seq: number;
  sender_id: string;
  client_id: string;
  text: string;
  reply_to_seq: number | null;
  status: MessageStatus;
  created_at: number;
  changed_at: number | null;
  /** JSON: the mentioned member ids, or "all" (@所有人, staff only). */
  mentions: string | null;
  image_id: string | null;
  /** The conversation's change_seq at this message's last edit; 0 when never edited. */
  change_seq: Generated<number>;
}

export interface MatterTable {
  id: string;
  group_id: string;
  seq: number;
  client_id: string;
  category: MatterCategory;
  title: string;
  status: MatterStatus;
  assignee_id: string | null;
  department: string | null;
  answer_seq: number | null;
  created_by: string;
  created_at: number;
  updated_at: number;
}

export interface GroupNoticeReadTable {
  group_id: string;
  user_id: string;
  /** The notice version (its notice_at) the member has read. */
  notice_at: number;
}

/** A hotline thread; its id is the id of its conversation (`groups` row of kind 'hotline'). */
export interface HotlineThreadTable {
  id: string;
  station_id: string;
  resident_id: string;
  /** The resident's client id of the create: a retried create returns the first thread. */
  client_id: string;
  category: HotlineCategory;
  status: HotlineStatus;
  subject: string;
  place: string | null;
  created_at: number;
  /** The response target: a first answer is due by then. */
  due_at: number;
  first_answered_at: number | null;
  assignee_id: string | null;
  handoff_department: string | null;
  handoff_reason: string | null;
  handoff_at: number | null;
  handoff_by: string | null;
  resolution_summary: string | null;
  resolved_at: number | null;
  resolved_by: string | null;
  rating_score: number | null;
  rating_comment: string | null;
  rated_at: number | null;
  /** Set once, by the node whose sweep claimed the thread, when the head was told it is overdue. */
  overdue_flagged_at: number | null;
  staff_read_seq: number;
  staff_read_at: number | null;
  follow_up_at: number | null;
  follow_up_note: string | null;
  follow_up_done_at: number | null;
  updated_at: number;
}

/** Internal notes on a thread: staff only, never part of the message pipeline. */
export interface HotlineNoteTable {
  id: string;
  thread_id: string;
  author_id: string;
  client_id: string;
  text: string;
  created_at: number;
}

/** Canned replies (常用回复) of a station. */
export interface HotlineCannedTable {
  id: string;
  station_id: string;
  title: string;
  text: string;
  created_by: string;
  updated_at: number;
}

/** Staff a station head lets handle the station's hotline besides themselves. */
export interface HotlineDelegateTable {
  station_id: string;
  user_id: string;
  granted_by: string;
  granted_at: number;
}

export interface ImageTable {
  id: string;
  group_id: string;
  uploader_id: string;
  mime: string;
  width: number;
  height: number;
  size: number;
  /**
   * Bytes of an image stored before 0016, until the one-time move (conversations/image-move.ts)
   * writes them to files and nulls them; null for every image since. The files are the bytes.
   */
  legacy_data: Buffer | null;
  legacy_thumb: Buffer | null;
  created_at: number;
}

export interface ReportTable {
  id: string;
  unit_id: string;
  kind: ReportKind;
  period_start: number;
  period_end: number;
  time_zone: string;
  trigger: 'schedule' | 'request';
  requested_by: string | null;
  /** JSON: ReportFigures. */
  figures: string;
  /** JSON: ReportSection[]. */
  sections: string;
  summarised_at: number | null;
  generated_at: number;
  /** A bot's claim to post it; another bot may take over after a lease. */
  post_claimed_at: number | null;
  posted_group_id: string | null;
  posted_seq: number | null;
  posted_at: number | null;
}

export interface ReportSettingsTable {
  unit_id: string;
  /** HH:MM local time of the morning briefing. */
  briefing_time: string;
  time_zone: string;
  updated_by: string | null;
  updated_at: number;
}
