import type { LadderStep, NotifyChannel } from '../protocol/push.ts';

/** Tables of migration 0015: Web Push (owned by hub/src/push/) and the escalation ladder (hub/src/escalation/). */
export interface PushTables {
  push_vapid: PushVapidTable;
  push_subscriptions: PushSubscriptionTable;
  push_settings: PushSettingsTable;
  notify_outbox: NotifyOutboxTable;
  escalation_policies: EscalationPolicyTable;
  ladder_steps: LadderStepTable;
}

/** The hub's one VAPID key pair (row id `default`), unless the environment gives one. */
export interface PushVapidTable {
  id: string;
  public_key: string;
  private_key: string;
  created_at: number;
}

/** One browser's push subscription, tied to the session that made it (deleted with it). */
export interface PushSubscriptionTable {
  id: string;
  user_id: string;
  session_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  /** The device's page is open and visible until then (renewed by its socket): pushes skip it. */
  visible_until: number | null;
  created_at: number;
}

export interface PushSettingsTable {
  user_id: string;
  /** JSON: the PushKind values this person wants pushed. */
  kinds: string;
  /** HH:MM local time; both null: no quiet hours. */
  quiet_from: string | null;
  quiet_to: string | null;
  updated_at: number;
}

/** A push or webhook call waiting to go out; `due_at` doubles as the claim's lease. */
export interface NotifyOutboxTable {
  id: string;
  channel: NotifyChannel;
  /** webpush: the subscription id; webhook: the station id whose policy holds the URL and secret. */
  target: string;
  /** What makes the job unique per target (an event id), so no event is queued twice. */
  dedupe: string;
  /** JSON: the push payload or the webhook body. */
  payload: string;
  attempts: number;
  due_at: number;
  last_error: string | null;
  created_at: number;
}

export interface EscalationPolicyTable {
  station_id: string;
  webhook_url: string | null;
  webhook_secret: string | null;
  webhook_after_minutes: number | null;
  head_after_minutes: number | null;
  updated_by: string | null;
  updated_at: number;
}

export interface LadderStepTable {
  order_id: string;
  user_id: string;
  step: LadderStep;
  at: number;
}
