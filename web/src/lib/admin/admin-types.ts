import type { Role, UnitKind } from '@fengqiao/hub/protocol';

/**
 * The administration API's shapes, as the go-live contract words them (issue #14). They stay here
 * until the hub's protocol exports them; then these become re-exports of the protocol's.
 */

/** A unit of the tree the caller may manage. */
export interface AdminUnit {
  id: string;
  parentId: string | null;
  kind: UnitKind;
  name: string;
  code: string | null;
  retired: boolean;
  staffCount: number;
}

/** A member of staff as an administrator sees them. */
export interface AdminPerson {
  id: string;
  login: string;
  name: string;
  rank: string | null;
  role: Role;
  unitId: string;
  unitName: string;
  phone: string | null;
  disabled: boolean;
  passwordChangeRequired: boolean;
}

/** Where a resident's registration stands. */
export type ResidentStatus = 'pending' | 'active' | 'rejected';

/** A resident in the registration queue or already admitted. */
export interface AdminResident {
  id: string;
  name: string;
  phone: string;
  gridId: string;
  gridName: string;
  status: ResidentStatus;
  registeredAt: number;
  rejectReason: string | null;
}

/** One administrative change: who did what to which object, before → after. */
export interface AuditEntry {
  id: string;
  at: number;
  actorId: string | null;
  actorName: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  before: unknown;
  after: unknown;
}

/** What a row of an import file comes to. */
export type ImportAction = 'create' | 'update' | 'unchanged' | 'refuse';

/** One row of a dry run or an applied import. */
export interface ImportRow {
  row: number;
  action: ImportAction;
  login?: string;
  name?: string;
  changes?: Record<string, [unknown, unknown]>;
  reason?: string;
}

/** The hub's answer to an import, dry run (`applied: false`) or applied. */
export interface ImportResult {
  ok: true;
  applied: boolean;
  rows: ImportRow[];
  summary: Record<ImportAction, number>;
  /** Created people's first passwords, in the applied answer only, shown once. */
  temporaryPasswords?: { login: string; password: string }[];
}

/** What an import or export is about. */
export type ImportKind = 'people' | 'units';
