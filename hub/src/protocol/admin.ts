/** Administration (REST /api/admin/…): units, people, residents, import/export, audit. Zod-free. */
import type { Role, UnitKind } from './roles.ts';
import type { GroupKind } from './groups.ts';

/** Log-ins: badge numbers (警号) for staff, phone numbers for residents, names like `admin`. */
export const LOGIN_PATTERN = /^[A-Za-z0-9._-]{2,32}$/;
/** Unit codes, used in `/h/<code>` links. */
export const UNIT_CODE_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
/** Staff phone numbers: mobile or landline, digits with + - and spaces. */
export const STAFF_PHONE_PATTERN = /^[0-9+\- ]{5,20}$/;

/**
 * Which kinds a unit of each kind may hold: city → branch → station → squad | command_room |
 * community → grid. Command rooms also sit at city and branch level (市局指挥中心, 分局指挥室).
 */
export const UNIT_CHILD_KINDS: Record<UnitKind, readonly UnitKind[]> = {
  city: ['branch', 'command_room'],
  branch: ['station', 'command_room'],
  station: ['squad', 'command_room', 'community'],
  squad: [],
  command_room: [],
  community: ['grid'],
  grid: [],
};

/** Which roles a person may hold in a unit of each kind (a resident only in a grid). */
export const UNIT_ROLES: Record<UnitKind, readonly Role[]> = {
  city: ['admin', 'bot'],
  branch: ['admin'],
  station: ['station_head'],
  command_room: ['dispatcher', 'officer', 'auxiliary'],
  squad: ['officer', 'auxiliary'],
  community: ['officer', 'auxiliary', 'grid_worker'],
  grid: ['grid_worker', 'officer', 'auxiliary', 'resident'],
};

/** Roles the people pages create and assign (bots get tokens, not people pages). */
export const ASSIGNABLE_ROLES = [
  'admin',
  'station_head',
  'dispatcher',
  'officer',
  'auxiliary',
  'grid_worker',
  'resident',
] as const satisfies readonly Role[];
export type AssignableRole = (typeof ASSIGNABLE_ROLES)[number];

/** Roles only an administrator assigns: a station head cannot make anyone their equal or superior. */
export const ADMIN_ONLY_ROLES: readonly Role[] = ['admin', 'station_head'];

export interface AdminUnitView {
  id: string;
  parentId: string | null;
  kind: UnitKind;
  name: string;
  code: string;
  retired: boolean;
  /** Active people whose unit this is (not counting sub-units). */
  staffCount: number;
}

export interface AdminUnitsResponse {
  ok: true;
  units: AdminUnitView[];
}

export interface AdminUnitResponse {
  ok: true;
  unit: AdminUnitView;
}

export interface AdminPersonView {
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

export interface AdminPeopleResponse {
  ok: true;
  people: AdminPersonView[];
  nextCursor: string | null;
}

export interface AdminPersonResponse {
  ok: true;
  person: AdminPersonView;
}

/** POST /api/admin/people → 201: the temporary password is shown once. */
export interface AdminPersonCreatedResponse {
  ok: true;
  person: AdminPersonView;
  temporaryPassword: string;
}

export interface TemporaryPasswordResponse {
  ok: true;
  temporaryPassword: string;
}

export const RESIDENT_STATUSES = ['pending', 'active', 'rejected'] as const;
export type ResidentStatus = (typeof RESIDENT_STATUSES)[number];

export interface AdminResidentView {
  id: string;
  name: string;
  phone: string | null;
  gridId: string;
  gridName: string;
  status: ResidentStatus;
  registeredAt: number;
  rejectReason: string | null;
}

export interface AdminResidentsResponse {
  ok: true;
  residents: AdminResidentView[];
  nextCursor: string | null;
}

export interface AdminResidentResponse {
  ok: true;
  resident: AdminResidentView;
}

/** What a removed resident's name becomes (their messages stay, shown under it). */
export const DELETED_USER_NAME = '已注销用户';

export interface AuditEntryView {
  id: string;
  at: number;
  actorId: string | null;
  actorName: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export interface AuditResponse {
  ok: true;
  entries: AuditEntryView[];
  nextCursor: string | null;
}

/** Import columns: Chinese headers as stations keep their rosters, English ones accepted too. */
export const PEOPLE_IMPORT_COLUMNS = {
  name: ['姓名', 'name'],
  login: ['警号', 'login'],
  rank: ['职务', 'rank'],
  role: ['角色', 'role'],
  unit: ['所属单位', 'unit'],
  phone: ['手机号', 'phone'],
} as const;
export const UNIT_IMPORT_COLUMNS = {
  name: ['单位名称', 'name'],
  kind: ['类型', 'kind'],
  parent: ['上级单位', 'parent'],
  code: ['单位代码', 'code'],
} as const;

/** Role and unit-kind words an import accepts besides the English keys (what exports write). */
export const ROLE_LABELS: Record<Role, string> = {
  admin: '系统管理员',
  station_head: '所长',
  dispatcher: '指挥调度',
  officer: '民警',
  auxiliary: '辅警',
  grid_worker: '网格员',
  resident: '群众',
  bot: '机器人',
};
export const UNIT_KIND_LABELS: Record<UnitKind, string> = {
  city: '市局',
  branch: '分局',
  station: '派出所',
  squad: '中队',
  command_room: '指挥室',
  community: '社区',
  grid: '网格',
};

/** Largest import file (a 5,000-row roster is a few hundred kilobytes). */
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;
export const IMPORT_CONTENT_TYPES = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

export type ImportAction = 'create' | 'update' | 'unchanged' | 'refuse';

/** One row of an import's answer; `row` counts from 2 (row 1 holds the headers, as a spreadsheet shows it). */
export interface ImportRowView {
  row: number;
  action: ImportAction;
  /** The person's log-in (people import) — or the unit's code (units import, under `code`). */
  login?: string;
  code?: string;
  changes?: Record<string, [unknown, unknown]>;
  /** Why a row is refused: an error code (role_unit_mismatch, unit_not_found, …). */
  reason?: string;
}

export interface ImportResponse {
  ok: true;
  applied: boolean;
  rows: ImportRowView[];
  summary: Record<ImportAction, number>;
  /** People created by an applied import: their temporary passwords, shown once. */
  temporaryPasswords?: { login: string; password: string }[];
}

/** POST /api/admin/units */
export interface UnitCreateBody {
  parentId: string | null;
  kind: UnitKind;
  name: string;
  code?: string | undefined;
}

/** PATCH /api/admin/units/:id */
export interface UnitPatchBody {
  name?: string | undefined;
  code?: string | undefined;
  parentId?: string | undefined;
}

/** GET /api/admin/people */
export interface PeopleQuery {
  unitId?: string | undefined;
  role?: AssignableRole | undefined;
  status?: 'active' | 'disabled' | undefined;
  q?: string | undefined;
  cursor?: string | undefined;
}

/** POST /api/admin/people */
export interface PersonCreateBody {
  login: string;
  name: string;
  rank?: string | null | undefined;
  role: AssignableRole;
  unitId: string;
  phone?: string | null | undefined;
}

/** PATCH /api/admin/people/:id */
export interface PersonPatchBody {
  name?: string | undefined;
  rank?: string | null | undefined;
  phone?: string | null | undefined;
  role?: AssignableRole | undefined;
  unitId?: string | undefined;
}

/** GET /api/admin/residents */
export interface ResidentsQuery {
  gridId?: string | undefined;
  status?: ResidentStatus | undefined;
  q?: string | undefined;
  cursor?: string | undefined;
}

/** GET /api/admin/audit (and audit.csv) */
export interface AuditQuery {
  actorId?: string | undefined;
  action?: string | undefined;
  targetType?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  cursor?: string | undefined;
}

/** One unit's group as administration sees it (GET /api/admin/groups): who is in it, who waits, how lively. */
export interface AdminGroupView {
  id: string;
  kind: Exclude<GroupKind, 'direct'>;
  name: string;
  unitId: string;
  unitName: string;
  members: number;
  /** Registered residents waiting for a staff member of the group to let them in. */
  pending: number;
  lastMessageAt: number | null;
}

export interface AdminGroupsResponse {
  ok: true;
  groups: AdminGroupView[];
}
