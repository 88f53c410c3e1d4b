import type { ZodError } from 'zod';
import { ERROR_CODES, type ErrorBody, type ErrorCode, type Failure } from './protocol/index.ts';
import { storeFailureCode } from './store/store-errors.ts';

/** The hub's one error type: a code from the protocol's list, a message for people, an HTTP status. */
export class HubError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryAfter: number | undefined;
  readonly issues: ErrorBody['issues'];

  constructor(
    code: ErrorCode,
    message: string,
    opts: { cause?: unknown; retryAfter?: number; issues?: ErrorBody['issues'] } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = 'HubError';
    this.code = code;
    this.status = ERROR_CODES[code];
    this.retryAfter = opts.retryAfter;
    this.issues = opts.issues;
  }

  toBody(): ErrorBody {
    const body: ErrorBody = { code: this.code, message: this.message };
    if (this.retryAfter !== undefined) body.retryAfter = this.retryAfter;
    if (this.issues) body.issues = this.issues;
    return body;
  }
}

/** Seconds a client waits before retrying a command the store could not take. */
const STORE_RETRY_AFTER_S = 5;

/**
 * Turns anything thrown into a HubError; a store failure (full disk, database gone) becomes the
 * retryable `store_unavailable`, other unknown errors `internal` without leaking details.
 */
export function toHubError(err: unknown): HubError {
  if (err instanceof HubError) return err;
  const storeFailure = storeFailureCode(err);
  if (storeFailure) return errors.storeUnavailable(storeFailure, err);
  return new HubError('internal', 'internal error', { cause: err });
}

/** The failure body for a socket ack or REST response. */
export function failure(err: unknown): Failure {
  return { ok: false, error: toHubError(err).toBody() };
}

/** Error factories with stable codes, so call sites read as the rule they enforce. */
export const errors = {
  validation: (zodError: ZodError) =>
    new HubError('validation_failed', 'the request has invalid fields', {
      issues: zodError.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message })),
    }),
  /** A rule about the request as a whole (not one field's type) was broken. */
  invalid: (message: string) => new HubError('validation_failed', message),
  conflict: (message: string) => new HubError('conflict', message),
  orderFinished: () => new HubError('order_finished', 'the order is finished and read-only'),
  unauthenticated: (message = 'sign in first') => new HubError('unauthenticated', message),
  sessionExpired: () => new HubError('session_expired', 'the session has expired; sign in again'),
  invalidCredentials: () => new HubError('invalid_credentials', 'wrong account or password'),
  accountDisabled: () => new HubError('account_disabled', 'this account is disabled'),
  passwordExpired: () =>
    new HubError('password_expired', 'the temporary password has expired; ask an administrator for a new one'),
  passwordChangeRequired: () =>
    new HubError('password_change_required', 'change the temporary password first (POST /api/account/password)'),
  forbidden: (message = 'not allowed') => new HubError('forbidden', message),
  originRejected: () => new HubError('origin_rejected', 'request from a foreign origin refused'),
  notFound: (what: string) => new HubError('not_found', `${what} not found`),
  rateLimited: (retryAfter: number) =>
    new HubError('rate_limited', `too many attempts; try again in ${retryAfter} s`, { retryAfter }),
  /** More commands awaiting answers than the connection (or person) may have: wait for some answers. */
  tooManyInFlight: (scope: 'connection' | 'person', what: 'commands' | 'reads') =>
    new HubError('rate_limited', `too many ${what} in flight on this ${scope}; wait for their answers`, {
      retryAfter: 1,
    }),
  tooManyConnections: (limit: number) =>
    new HubError('too_many_connections', `at most ${limit} open connections per person; close one first`),
  /** Nested deeper than any protocol payload: refused before anything walks it recursively. */
  tooDeep: (limit: number) => new HubError('validation_failed', `the payload is nested deeper than ${limit} levels`),
  tooLarge: (limit: number) => new HubError('payload_too_large', `payload exceeds ${limit} bytes`),
  unknownEvent: (event: string) => new HubError('unknown_event', `unknown event "${event.slice(0, 64)}"`),
  storeUnavailable: (code: string, cause?: unknown) =>
    new HubError('store_unavailable', `the store cannot take this now (${code}); try again shortly`, {
      cause,
      retryAfter: STORE_RETRY_AFTER_S,
    }),
  setupSecretInvalid: () => new HubError('setup_secret_invalid', 'the set-up link is wrong or was already used'),
  setupDone: () => new HubError('setup_done', 'an administrator exists already: sign in'),
  loginTaken: (login: string) => new HubError('login_taken', `the log-in ${login} is taken`),
  codeTaken: (code: string) => new HubError('code_taken', `the unit code ${code} is taken`),
  unitKindMismatch: (kind: string, parentKind: string | null) =>
    new HubError('unit_kind_mismatch', `a ${kind} cannot sit ${parentKind ? `under a ${parentKind}` : 'at the top'}`),
  unitCycle: () => new HubError('unit_cycle', 'a unit cannot move under itself or its own sub-unit'),
  unitNotEmpty: (what: string) => new HubError('unit_not_empty', `the unit still holds ${what}`),
  roleUnitMismatch: (role: string, kind: string) =>
    new HubError('role_unit_mismatch', `a ${role} cannot belong to a unit of kind ${kind}`),
  importHeaders: (missing: string[], unknown: string[]) =>
    new HubError(
      'import_headers',
      [
        missing.length ? `missing columns: ${missing.join(', ')}` : '',
        unknown.length ? `unknown columns: ${unknown.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; '),
      {
        issues: [
          ...missing.map((m) => ({ path: m, message: 'missing' })),
          ...unknown.map((u) => ({ path: u, message: 'unknown' })),
        ],
      },
    ),
  /** The node is stopping: the client reconnects (to another node) and sends again. */
  stopping: () => new HubError('unavailable', 'this hub node is stopping; reconnect and try again', { retryAfter: 1 }),
};
