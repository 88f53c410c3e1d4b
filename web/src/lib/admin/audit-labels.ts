import type { MessageKey } from '../i18n/index.ts';

/** The audited actions the hub writes, worded; an action not listed shows as the hub names it. */
export const AUDIT_ACTIONS: Record<string, MessageKey> = {
  'setup.first_admin': 'admin.audit.act.setup_first_admin',
  'setup.cli_admin': 'admin.audit.act.setup_cli_admin',
  'unit.create': 'admin.audit.act.unit_create',
  'unit.update': 'admin.audit.act.unit_update',
  'unit.retire': 'admin.audit.act.unit_retire',
  'person.create': 'admin.audit.act.person_create',
  'person.update': 'admin.audit.act.person_update',
  'person.disable': 'admin.audit.act.person_disable',
  'person.enable': 'admin.audit.act.person_enable',
  'person.reset_password': 'admin.audit.act.person_reset_password',
  'roster.import_people': 'admin.audit.act.roster_import_people',
  'roster.import_units': 'admin.audit.act.roster_import_units',
  'resident.register': 'admin.audit.act.resident_register',
  'resident.register_taken': 'admin.audit.act.resident_register_taken',
  'resident.approve': 'admin.audit.act.resident_approve',
  'resident.reject': 'admin.audit.act.resident_reject',
  'resident.move': 'admin.audit.act.resident_move',
  'resident.delete': 'admin.audit.act.resident_delete',
  'account.password_change': 'admin.audit.act.account_password_change',
  'account.session_end': 'admin.audit.act.account_session_end',
  'auth.login': 'admin.audit.act.auth_login',
  'auth.login_failed': 'admin.audit.act.auth_login_failed',
  'auth.logout': 'admin.audit.act.auth_logout',
  'auth.password_expired': 'admin.audit.act.auth_password_expired',
  'bot_token.issue': 'admin.audit.act.bot_token_issue',
  'bot_token.revoke': 'admin.audit.act.bot_token_revoke',
  'report.regenerate': 'admin.audit.act.report_regenerate',
  'group.notice_pin': 'admin.audit.act.group_notice_pin',
  'group.message_remove': 'admin.audit.act.group_message_remove',
};

/** The kinds of object an audit entry is about. */
export const AUDIT_TARGETS: Record<string, MessageKey> = {
  unit: 'admin.audit.target.unit',
  user: 'admin.audit.target.user',
  resident: 'admin.audit.target.resident',
  session: 'admin.audit.target.session',
  bot_token: 'admin.audit.target.bot_token',
  report: 'admin.audit.target.report',
  group: 'admin.audit.target.group',
  message: 'admin.audit.target.message',
};

/** The recorded fields, named as the pages name them (`name` by the object: see `auditFieldKey`). */
export const AUDIT_FIELDS: Record<string, MessageKey> = {
  name: 'admin.people.name',
  code: 'admin.units.code',
  kind: 'admin.units.kind',
  parentId: 'admin.units.parent',
  login: 'admin.people.login',
  rank: 'admin.people.rank',
  role: 'admin.people.role',
  unitId: 'admin.people.unit',
  phone: 'admin.people.phone',
  disabled: 'admin.people.disabled',
  gridId: 'admin.residents.grid',
  status: 'admin.residents.status',
  reason: 'admin.residents.reason',
  ip: 'admin.audit.ip',
  groupId: 'admin.audit.group',
  seq: 'admin.audit.seq',
  senderId: 'admin.audit.sender',
  create: 'admin.import.action.create',
  update: 'admin.import.action.update',
  unchanged: 'admin.import.action.unchanged',
  refuse: 'admin.import.action.refuse',
};

/** The words for a code of one of the tables above, or null when the hub's own name must do. */
export function labelKey(table: Record<string, MessageKey>, code: string | null): MessageKey | null {
  return code !== null && Object.hasOwn(table, code) ? table[code]! : null;
}

/** A recorded field's words: a unit's `name` is its 单位名称, anyone else's their 姓名. */
export function auditFieldKey(field: string, targetType: string | null): MessageKey | null {
  if (field === 'name' && targetType === 'unit') return 'admin.units.name';
  return labelKey(AUDIT_FIELDS, field);
}
