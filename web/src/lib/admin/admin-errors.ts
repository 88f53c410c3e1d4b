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

/** The words for an administration code (an import row's refusal reason), or null for one not known here. */
export function adminReasonKey(code: string): MessageKey | null {
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

/**
 * What the hub adds that the code alone does not say (the missing headers of an import, the field
 * that failed), or null. Shown under the message, as the hub words it.
 */
export function failureDetail(failure: FailedRequest): string | null {
  if (failure.code !== 'import_headers' && failure.code !== 'validation_failed') return null;
  const issues = (failure.error?.issues ?? []).filter((i) => !Object.hasOwn(ISSUE_KEYS, i.message));
  if (issues.length > 0) return issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  return failure.code === 'import_headers' ? (failure.error?.message ?? null) : null;
}
