/** Every error the hub can answer with, over REST and socket acks alike. */
export const ERROR_CODES = {
  bad_json: 400,
  validation_failed: 400,
  unknown_event: 400,
  payload_too_large: 413,
  unauthenticated: 401,
  invalid_credentials: 401,
  session_expired: 401,
  forbidden: 403,
  origin_rejected: 403,
  account_disabled: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  too_many_connections: 429,
  internal: 500,
  unavailable: 503,
  /** The node's store cannot take the command now (full or read-only disk, database gone); retry later. */
  store_unavailable: 503,
  /** Signed in with a temporary password: only the password change (and me, logout) answers until it is changed. */
  password_change_required: 403,
  /** The temporary password was not changed in time: an administrator resets it again. */
  password_expired: 401,
  /** The first-administrator set-up secret is wrong or already used. */
  setup_secret_invalid: 403,
  /** An administrator exists: set-up is over. */
  setup_done: 409,
  /** The unit kind does not fit under that parent (city → branch → station → squad | command room | community → grid). */
  unit_kind_mismatch: 400,
  /** A unit cannot move under itself or its own descendant. */
  unit_cycle: 400,
  /** A unit still holds active people or active child units. */
  unit_not_empty: 409,
  /** Another unit has this code. */
  code_taken: 409,
  /** Another person has this log-in (badge number). */
  login_taken: 409,
  /** The role does not fit the unit's kind (a resident in a squad). */
  role_unit_mismatch: 400,
  /** The order is finished (completed or cancelled) and read-only: it cannot be amended, cancelled or re-dispatched. */
  order_finished: 409,
  /** An import file's headers are missing required columns or carry unknown ones. */
  import_headers: 400,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The body of every failed REST response and every failed socket acknowledgement. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** Seconds to wait before trying again (rate_limited, unavailable, store_unavailable). */
  retryAfter?: number;
  /** Which fields failed validation (validation_failed only). */
  issues?: { path: string; message: string }[];
}

export interface Failure {
  ok: false;
  error: ErrorBody;
}

/** A socket acknowledgement or REST body: `{ ok: true, ...T }` or a failure. */
export type Result<T extends object = object> = ({ ok: true } & T) | Failure;
