/** Everyone's own account (REST /api/account) and the first-administrator set-up (/api/setup). Zod-free. */

/** Shortest password anyone may choose (temporary ones are generated longer). */
export const MIN_PASSWORD_LENGTH = 10;
/** Longest password accepted (argon2 hashes any length; this bounds the work per request). */
export const MAX_PASSWORD_LENGTH = 128;

/** Field messages of a refused password (validation_failed, issue path `newPassword` / `currentPassword` / `password`). */
export const PASSWORD_PROBLEMS = ['password_too_short', 'password_too_common', 'password_wrong'] as const;
export type PasswordProblem = (typeof PASSWORD_PROBLEMS)[number];

/** GET /api/setup */
export interface SetupStatusResponse {
  ok: true;
  /** True while no active administrator exists: the set-up page (or `pnpm hub:admin create`) is the way in. */
  needed: boolean;
}

/** A person as set-up and the admin pages return them after creating them. */
export interface SetupUserView {
  id: string;
  login: string;
  name: string;
  role: 'admin';
}

/** POST /api/setup → 201, with the session cookie set. */
export interface SetupResponse {
  ok: true;
  user: SetupUserView;
}

/** One signed-in device of the caller: GET /api/account/sessions. `id` is a public id, never the token. */
export interface AccountSessionView {
  id: string;
  /** The session this request came with. */
  current: boolean;
  createdAt: number;
  lastSeenAt: number;
  userAgent: string | null;
  address: string | null;
}

export interface AccountSessionsResponse {
  ok: true;
  sessions: AccountSessionView[];
}

/** POST /api/setup: the secret from the start banner's link and the first administrator. */
export interface SetupBody {
  secret: string;
  login: string;
  name: string;
  password: string;
}

/** POST /api/account/password */
export interface PasswordChangeBody {
  currentPassword: string;
  newPassword: string;
}
