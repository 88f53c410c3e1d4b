/** One field an audited change touched, with its values as recorded. */
export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether a value counts as nothing (absent, null, empty text). */
export function isBlank(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

/** A value as one short line: strings as they are, the rest as JSON, nothing as —. */
export function showValue(value: unknown): string {
  if (isBlank(value)) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * What an audit entry changed, field by field: the fields whose values differ between before and
 * after (a creation has no before, a removal no after). Non-object states count as one field "".
 */
export function fieldChanges(before: unknown, after: unknown): FieldChange[] {
  if (!isRecord(before) && !isRecord(after)) {
    return showValue(before) === showValue(after) ? [] : [{ field: '', before, after }];
  }
  const from = isRecord(before) ? before : {};
  const to = isRecord(after) ? after : {};
  const fields = [...new Set([...Object.keys(from), ...Object.keys(to)])];
  return fields
    .map((field) => ({ field, before: from[field], after: to[field] }))
    .filter((c) => showValue(c.before) !== showValue(c.after));
}
