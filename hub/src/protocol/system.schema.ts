import { z } from 'zod';
import type { Assert, Equals } from './type-equality.ts';
import { MAX_SHORT_TEXT } from './auth.ts';
import type { PingPayload, PresenceQueryPayload } from './system.ts';

/** `system:ping`: proves the pipe works end to end; `echo` comes back verbatim. */
export const pingPayload = z.object({
  echo: z.string().max(MAX_SHORT_TEXT).optional(),
});

/** `presence:query`: ask who of these people is online now. */
export const presenceQueryPayload = z.object({
  userIds: z.array(z.string().min(1).max(64)).max(500),
});

type _Checks = [
  Assert<Equals<z.infer<typeof pingPayload>, PingPayload>>,
  Assert<Equals<z.infer<typeof presenceQueryPayload>, PresenceQueryPayload>>,
];
