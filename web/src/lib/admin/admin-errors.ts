import type { ErrorBody } from '@fengqiao/hub/protocol';
import { failureKey } from '../api/error-message.ts';
import type { MessageKey } from '../i18n/index.ts';

/** The administration API's refusals, worded for the person at the desk. */
const CODE_KEYS: Record<string, MessageKey> = {
  forbidden: 'admin.error.forbidden',
  unit_kind_mismatch: 'admin.error.unit_kind_mismatch',
  code_taken: 'admin.error.code_taken',
  unit_cycle: 'admin.error.unit_cycle',
  unit_not_empty: 'admin.error.unit_not_empty',
  login_taken: 'admin.error.login_taken',
  role_unit_mismatch: 'admin.error.role_unit_mismatch',
  import_headers: 'admin.error.import_headers',
  import_encoding: 'admin.error.import_encoding',
  payload_too_large: 'admin.error.payload_too_large',
  setup_secret_invalid: 'admin.error.setup_secret_invalid',
  setup_done: 'admin.error.setup_done',
  password_change_required: 'admin.error.password_change_required',
  password_expired: 'admin.error.password_expired',
};

/** Field-level reasons the hub gives inside `validation_failed` (its `issues[].message`). */
const ISSUE_KEYS: Record<string, MessageKey> = {
  password_too_short: 'account.error.password_too_short',
  password_too_common: 'account.error.password_too_common',
  password_wrong: 'account.error.password_wrong',
};

/** Why an import row is refused, beyond the error codes above. */
const REASON_KEYS: Record<string, MessageKey> = {
  duplicate_in_file: 'admin.reason.duplicate_in_file',
  login_invalid: 'admin.reason.login_invalid',
  name_invalid: 'admin.reason.name_invalid',
  phone_invalid: 'admin.reason.phone_invalid',
  rank_invalid: 'admin.reason.rank_invalid',
  role_unknown: 'admin.reason.role_unknown',
  unit_not_found: 'admin.reason.unit_not_found',
  unit_ambiguous: 'admin.reason.unit_ambiguous',
  unit_retired: 'admin.reason.unit_retired',
  code_invalid: 'admin.reason.code_invalid',
  kind_unknown: 'admin.reason.kind_unknown',
  kind_change_not_supported: 'admin.reason.kind_change_not_supported',
  move_not_supported: 'admin.reason.move_not_supported',
  parent_not_found: 'admin.reason.parent_not_found',
  parent_ambiguous: 'admin.reason.parent_ambiguous',
  parent_retired: 'admin.reason.parent_retired',
};

/** The words for an import row's refusal reason (a code), or null for one not known here. */
export function adminReasonKey(code: string): MessageKey | null {
  if (Object.hasOwn(REASON_KEYS, code)) return REASON_KEYS[code]!;
  return Object.hasOwn(CODE_KEYS, code) ? CODE_KEYS[code]! : null;
}

/** A failed request's code and body, as `requestJson` reports it. */
export interface FailedRequest {
  code: string;
  error: ErrorBody | null;
}

/** The message id of a refusal: a known field reason first, then the code, else the generic wording. */
export function adminFailureKey(failure: FailedRequest): MessageKey {
  for (const issue of failure.error?.issues ?? []) {
    if (Object.hasOwn(ISSUE_KEYS, issue.message)) return ISSUE_KEYS[issue.message]!;
  }
  if (Object.hasOwn(CODE_KEYS, failure.code)) return CODE_KEYS[failure.code]!;
  return failureKey(failure.code);
}

/** Translates a message id (the pages pass `t`; tests a stand-in). */
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/**
 * What the hub adds that the code alone does not say, or null: the missing and unknown columns of
 * an import, the fields that failed validation (as the hub words them), the reason of a refusal
 * that names no field (a file in neither UTF-8 nor GBK).
 */
export function failureDetail(failure: FailedRequest, t: Translate): string | null {
  const issues = failure.error?.issues ?? [];
  if (failure.code === 'import_headers') {
    const columns = (kind: string) =>
      issues
        .filter((i) => i.message === kind)
        .map((i) => i.path)
        .join('、');
    const missing = columns('missing');
    const unknown = columns('unknown');
    const parts = [
      missing ? t('admin.import.missing_columns', { columns: missing }) : '',
      unknown ? t('admin.import.unknown_columns', { columns: unknown }) : '',
    ].filter(Boolean);
    return parts.length > 0 ? parts.join('；') : (failure.error?.message ?? null);
  }
  if (failure.code !== 'validation_failed') return null;
  const unworded = issues.filter((i) => !Object.hasOwn(ISSUE_KEYS, i.message));
  if (unworded.length > 0) return unworded.map((i) => `${i.path}: ${i.message}`).join('; ');
  return issues.length === 0 ? (failure.error?.message ?? null) : null;
}
