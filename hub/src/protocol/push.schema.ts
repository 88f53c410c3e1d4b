import { z } from 'zod';
import type { Assert, Equals } from './type-equality.ts';
import { AUTH_SECRET_BYTES, MAX_PUSH_ENDPOINT, P256DH_BYTES, PUSH_KINDS } from './push.ts';
import type {
  EscalationPolicyPayload,
  PushSettingsPayload,
  PushSubscribePayload,
  PushVisibilityPayload,
} from './push.ts';

/** A base64url string that decodes to exactly `bytes` bytes (padding tolerated). */
const base64url = (bytes: number) =>
  z
    .string()
    .max(Math.ceil((bytes * 4) / 3) + 2)
    .regex(/^[A-Za-z0-9_-]+={0,2}$/, 'base64url')
    .refine((s) => Math.floor((s.replace(/=+$/, '').length * 6) / 8) === bytes, `must decode to ${bytes} bytes`);

/** POST /api/push/subscriptions: what PushSubscription.toJSON() gives. The endpoint's host is checked by the hub. */
export const pushSubscribePayload = z.object({
  endpoint: z.string().max(MAX_PUSH_ENDPOINT).url(),
  expirationTime: z.number().nullable().optional(),
  keys: z.object({ p256dh: base64url(P256DH_BYTES), auth: base64url(AUTH_SECRET_BYTES) }),
});

/** DELETE /api/push/subscriptions */
export const pushUnsubscribePayload = z.object({ endpoint: z.string().max(MAX_PUSH_ENDPOINT) });

/** `push:visibility`: this page is (or is no longer) open and visible; renewed while it stays so. */
export const pushVisibilityPayload = z.object({ visible: z.boolean() });

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');

/** PUT /api/push/settings */
export const pushSettingsPayload = z
  .object({
    kinds: z.array(z.enum(PUSH_KINDS)).max(PUSH_KINDS.length),
    quietFrom: hhmm.nullable(),
    quietTo: hhmm.nullable(),
  })
  .refine((s) => (s.quietFrom === null) === (s.quietTo === null), 'quiet hours need both ends');

const minutes = z
  .number()
  .int()
  .min(1)
  .max(24 * 60);

/** PUT /api/escalation/stations/:id. A webhook URL must be http(s); a secret is kept unless a new one is given. */
export const escalationPolicyPayload = z
  .object({
    webhookUrl: z
      .string()
      .max(2048)
      .url()
      .regex(/^https?:\/\//i, 'an http or https URL')
      .nullable(),
    webhookSecret: z.string().min(16).max(256).optional(),
    webhookAfterMinutes: minutes.nullable(),
    headAfterMinutes: minutes.nullable(),
  })
  .refine((p) => p.webhookUrl === null || p.webhookAfterMinutes !== null, 'a webhook needs its delay');

type _Checks = [
  Assert<Equals<z.infer<typeof pushSubscribePayload>, PushSubscribePayload>>,
  Assert<Equals<z.infer<typeof pushVisibilityPayload>, PushVisibilityPayload>>,
  Assert<Equals<z.infer<typeof pushSettingsPayload>, PushSettingsPayload>>,
  Assert<Equals<z.infer<typeof escalationPolicyPayload>, EscalationPolicyPayload>>,
];
