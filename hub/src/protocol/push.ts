/**
 * Web Push and the escalation ladder: the wire types (no zod here; the schemas are in push.schema.ts).
 */

/** What may be pushed to a closed app. Flash orders are always pushed, quiet hours or not. */
export const PUSH_KINDS = ['urgent', 'chase', 'escalation', 'mention', 'reply', 'hotline'] as const;
export type PushKind = (typeof PUSH_KINDS)[number] | 'flash';

/** Largest endpoint URL a subscription may have (real ones are a few hundred characters). */
export const MAX_PUSH_ENDPOINT = 1024;
/** A P-256 public key, uncompressed (65 bytes), and the 16-byte auth secret, both base64url. */
export const P256DH_BYTES = 65;
export const AUTH_SECRET_BYTES = 16;

/** What a push carries: enough for the notification and the tap, nothing more (never hotline notes). */
export interface PushMessage {
  kind: PushKind;
  title: string;
  body: string;
  /** The page a tap opens. */
  url: string;
  /** Replaces an earlier notification about the same thing. */
  tag: string;
  /** Set on flash and urgent orders: the 签收 action acknowledges it by REST. */
  orderId?: string;
}

export interface PushSettingsView {
  kinds: PushKind[];
  /** HH:MM, local time of the hub's report time zone; both null: no quiet hours. */
  quietFrom: string | null;
  quietTo: string | null;
}

/** GET /api/push/config: what the page needs to subscribe. */
export interface PushConfigView {
  publicKey: string;
}

/** Steps of the ladder, each on the order's timeline: 已推送, 已短信, 已电话通知. */
export const LADDER_STEPS = ['push', 'webhook', 'head'] as const;
export type LadderStep = (typeof LADDER_STEPS)[number];

/** Where an outbox job goes. */
export type NotifyChannel = 'webpush' | 'webhook';

/** A station's escalation ladder (GET/PUT /api/escalation/stations/:id). */
export interface EscalationPolicyView {
  stationId: string;
  webhookUrl: string | null;
  /** Whether a signing secret is set (the secret itself is never sent back). */
  hasSecret: boolean;
  /** Minutes after the push that an unacknowledged recipient is passed to the webhook; null: never. */
  webhookAfterMinutes: number | null;
  /** Minutes after the push that the unit head is called; null: never. */
  headAfterMinutes: number | null;
}

/** POST /api/push/subscriptions: what PushSubscription.toJSON() gives. */
export interface PushSubscribePayload {
  endpoint: string;
  expirationTime?: number | null | undefined;
  keys: { p256dh: string; auth: string };
}

/** `push:visibility`: this page is (or is no longer) open and visible; renewed while it stays so. */
export interface PushVisibilityPayload {
  visible: boolean;
}

/** PUT /api/push/settings */
export interface PushSettingsPayload {
  kinds: (typeof PUSH_KINDS)[number][];
  quietFrom: string | null;
  quietTo: string | null;
}

/** PUT /api/escalation/stations/:id */
export interface EscalationPolicyPayload {
  webhookUrl: string | null;
  webhookSecret?: string | undefined;
  webhookAfterMinutes: number | null;
  headAfterMinutes: number | null;
}
