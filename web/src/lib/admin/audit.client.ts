import type { AuditResponse } from '@fengqiao/hub/protocol';
import { requestJson, type ApiOutcome } from '../api/request.ts';
import { withQuery } from './query-string.ts';

/** The audit log's filters; `from` and `to` are ms since epoch (UTC). */
export interface AuditFilter {
  actorId?: string;
  action?: string;
  targetType?: string;
  from?: number;
  to?: number;
}

/** A page of audit entries, newest first; pass the last `nextCursor` for the next page. */
export function fetchAudit(filter: AuditFilter, cursor?: string): Promise<ApiOutcome<AuditResponse>> {
  return requestJson(withQuery('/api/admin/audit', { ...filter, cursor }));
}

/** Where the same entries download as CSV. */
export function auditCsvHref(filter: AuditFilter): string {
  return withQuery('/api/admin/audit.csv', { ...filter });
}
