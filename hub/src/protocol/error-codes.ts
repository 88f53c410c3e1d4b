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
