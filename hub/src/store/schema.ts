import type { Role, UnitKind } from '../protocol/index.ts';

/**
 * Table types for Kysely. Times are UTC milliseconds since the epoch (bigint in PostgreSQL,
 * integer in SQLite), one representation throughout; ids are ULIDs.
 */
export interface Database {
  units: UnitTable;
  users: UserTable;
  sessions: SessionTable;
  bot_tokens: BotTokenTable;
  login_throttle: LoginThrottleTable;
  audit_log: AuditLogTable;
}

export interface UnitTable {
  id: string;
  parent_id: string | null;
  kind: UnitKind;
  name: string;
  code: string;
  /** Materialised path of ancestor ids and this id, `/a/b/c/`, for subtree queries by prefix. */
  path: string;
  sort: number;
  created_at: number;
}

export interface UserTable {
  id: string;
  login: string;
  name: string;
  display_name: string;
  role: Role;
  rank: string | null;
  unit_id: string;
  phone: string | null;
  password_hash: string | null;
  disabled_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface SessionTable {
  id: string;
  user_id: string;
  secret_hash: string;
  created_at: number;
  last_verified_at: number;
}

export interface BotTokenTable {
  id: string;
  user_id: string;
  name: string;
  secret_hash: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface LoginThrottleTable {
  key: string;
  failures: number;
  last_failure_at: number;
}

export interface AuditLogTable {
  id: string;
  at: number;
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  /** JSON text: stays the same on both dialects. */
  detail: string | null;
}
