import type { Role, UnitKind } from './roles.ts';

/** A unit as the client sees it, with its chain of ancestors for breadcrumbs. */
export interface UnitView {
  id: string;
  kind: UnitKind;
  name: string;
  code: string;
}

/** The signed-in person: GET /api/auth/me, and the body of a successful log-in. */
export interface MeView {
  id: string;
  login: string;
  name: string;
  displayName: string;
  role: Role;
  rank: string | null;
  unit: UnitView;
  /** From the city down to the person's own unit. */
  unitPath: UnitView[];
  /** 在岗 / 离岗 as the person last set it; null when never set or for roles without duty. */
  onDuty: boolean | null;
  /** Signed in with a temporary password: every route but the password change answers password_change_required. */
  passwordChangeRequired: boolean;
  /** The station's time zone (IANA, REPORT_TIME_ZONE): chat, board and reports show times in it on any device. */
  timeZone: string;
}

export interface SessionInfo {
  /** When the session ends unless used again (ms since epoch, UTC). */
  expiresAt: number;
}

export interface LoginResponse {
  ok: true;
  me: MeView;
  session: SessionInfo;
}

export interface MeResponse {
  ok: true;
  me: MeView;
  session: SessionInfo;
}

export interface BotTokenResponse {
  ok: true;
  /** Shown once: only its hash is kept. */
  token: string;
  id: string;
}

/** A bot token as an admin sees it: never the secret. */
export interface BotTokenView {
  id: string;
  botUserId: string;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

/** The cookie that carries the session token. */
export const SESSION_COOKIE = 'fq_session';
