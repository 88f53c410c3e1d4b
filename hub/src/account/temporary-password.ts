import { randomString } from '../auth/token.ts';

/** How long a temporary password (new account, reset) works before it must have been changed. */
export const TEMPORARY_PASSWORD_TTL_MS = 72 * 3600_000;

/**
 * A temporary password to read out or hand over: three groups of four from an alphabet without
 * look-alikes (60 bits), e.g. `k7mq-x3fa-9pzt`. It works until changed, or until it expires.
 */
export function temporaryPassword(): string {
  const s = randomString(12);
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8)}`;
}
