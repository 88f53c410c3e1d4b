import { z } from 'zod';
import type { Assert, Equals } from './type-equality.ts';
import type { SetupBody, PasswordChangeBody } from './account.ts';
import { MAX_PASSWORD_LENGTH } from './account.ts';
import { LOGIN_PATTERN } from './admin.ts';

/** A password as sent; the policy (length, common list, not the login) is checked by the hub. */
const password = z.string().min(1).max(MAX_PASSWORD_LENGTH);

/** POST /api/setup: the secret from the start banner's link and the first administrator. */
export const setupBody = z.object({
  secret: z.string().trim().min(1).max(128),
  login: z.string().trim().regex(LOGIN_PATTERN, 'letters, digits, . _ - (2 to 32)'),
  name: z.string().trim().min(1).max(32),
  password,
});

/** POST /api/account/password */
export const passwordChangeBody = z.object({
  currentPassword: password,
  newPassword: password,
});

/** DELETE /api/account/sessions/:id */
export const sessionIdParam = z.string().regex(/^[a-z0-9]{16,64}$/, 'a session id');

type _Checks = [
  Assert<Equals<z.infer<typeof setupBody>, SetupBody>>,
  Assert<Equals<z.infer<typeof passwordChangeBody>, PasswordChangeBody>>,
];
