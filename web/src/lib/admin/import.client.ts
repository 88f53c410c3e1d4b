import type { ImportResponse } from '@fengqiao/hub/protocol';
import { requestJson, type ApiOutcome } from '../api/request.ts';
import type { ImportKind } from './admin-types.ts';

/**
 * The content type the hub reads an import file as, by its name (the protocol's
 * `IMPORT_CONTENT_TYPES`); null for a type it does not take.
 */
export function importContentType(fileName: string): string | null {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.csv')) return 'text/csv';
  if (lower.endsWith('.xlsx')) return 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  return null;
}

/** The largest file the hub takes (the protocol's `MAX_IMPORT_BYTES`; above it: `payload_too_large`). */
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;

/**
 * Sends an import file: a dry run (`apply` false) answers what each row would do; applying does
 * it all in one transaction, or nothing when any row is refused.
 */
export function sendImport(
  kind: ImportKind,
  file: Blob,
  type: string,
  apply: boolean,
): Promise<ApiOutcome<ImportResponse>> {
  return requestJson(`/api/admin/import/${kind}?apply=${apply ? 1 : 0}`, {
    method: 'POST',
    file: { data: file, type },
  });
}

/** Where the current data downloads, in the import's own shape. */
export function exportHref(kind: ImportKind, format: 'csv' | 'xlsx'): string {
  return `/api/admin/export/${kind}.${format}`;
}
