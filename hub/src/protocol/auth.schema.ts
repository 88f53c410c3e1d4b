import { z } from 'zod';
import type { Assert, Equals } from './type-equality.ts';
import { MAX_SHORT_TEXT, type BotTokenBody, type LoginBody, type UserStatusBody } from './auth.ts';

/** POST /api/auth/login */
export const loginBody = z.object({
  login: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});

/** PATCH /api/admin/users/:id */
export const userStatusBody = z.object({
  disabled: z.boolean(),
});

/** POST /api/admin/bot-tokens */
export const botTokenBody = z.object({
  botUserId: z.string().min(1).max(64),
  name: z.string().trim().min(1).max(MAX_SHORT_TEXT),
});

type _Checks = [
  Assert<Equals<z.infer<typeof loginBody>, LoginBody>>,
  Assert<Equals<z.infer<typeof userStatusBody>, UserStatusBody>>,
  Assert<Equals<z.infer<typeof botTokenBody>, BotTokenBody>>,
];
