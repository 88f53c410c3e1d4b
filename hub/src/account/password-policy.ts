import { readFileSync } from 'node:fs';
import { HubError } from '../errors.ts';
import { MIN_PASSWORD_LENGTH, type PasswordProblem } from '../protocol/index.ts';

/** Loaded once: a few thousand lower-cased entries, lines starting with # are comments. */
const COMMON = new Set(
  readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.toLowerCase()),
);

/** A refused password: validation_failed naming the field and the rule (password_too_short, …). */
export function passwordRefused(field: string, problem: PasswordProblem): HubError {
  const says: Record<PasswordProblem, string> = {
    password_too_short: `the password needs at least ${MIN_PASSWORD_LENGTH} characters`,
    password_too_common: 'the password is too common or equals the log-in',
    password_wrong: 'the current password is wrong',
  };
  return new HubError('validation_failed', says[problem], { issues: [{ path: field, message: problem }] });
}

/**
 * The rule every chosen password meets (NIST SP 800-63B: length and a blocklist, no composition
 * rules): at least MIN_PASSWORD_LENGTH characters, not a common password, not the log-in itself.
 * Throws validation_failed on the given field.
 */
export function assertPasswordAllowed(password: string, login: string, field = 'newPassword'): void {
  if ([...password].length < MIN_PASSWORD_LENGTH) throw passwordRefused(field, 'password_too_short');
  const lower = password.toLowerCase();
  if (COMMON.has(lower) || lower === login.toLowerCase()) throw passwordRefused(field, 'password_too_common');
}
