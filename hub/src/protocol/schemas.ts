import { z } from 'zod';

/** Longest text field the foundation accepts anywhere (names, logins). */
export const MAX_SHORT_TEXT = 200;

/** POST /api/auth/login */
export const loginBody = z.object({
  login: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});
export type LoginBody = z.infer<typeof loginBody>;

/** `system:ping`: proves the pipe works end to end; `echo` comes back verbatim. */
export const pingPayload = z.object({
  echo: z.string().max(MAX_SHORT_TEXT).optional(),
});
export type PingPayload = z.infer<typeof pingPayload>;

/** `presence:watch`: ask who of these people is online now. */
export const presenceQueryPayload = z.object({
  userIds: z.array(z.string().min(1).max(64)).max(500),
});
export type PresenceQueryPayload = z.infer<typeof presenceQueryPayload>;

/** PATCH /api/admin/users/:id */
export const userStatusBody = z.object({
  disabled: z.boolean(),
});
export type UserStatusBody = z.infer<typeof userStatusBody>;

/** POST /api/admin/bot-tokens */
export const botTokenBody = z.object({
  botUserId: z.string().min(1).max(64),
  name: z.string().trim().min(1).max(MAX_SHORT_TEXT),
});
export type BotTokenBody = z.infer<typeof botTokenBody>;
