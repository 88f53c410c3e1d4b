import type {
  ReportDocument,
  ReportKind,
  ReportLang,
  ReportListItem,
  ReportRequest,
  ReportSourceMessage,
} from '@fengqiao/hub/protocol';
import { requestJson, type ApiOutcome } from '../api/request.ts';

/** Filters of the report list (GET /api/reports); `before` pages back by generation time. */
export interface ReportListFilter {
  kind?: ReportKind;
  unitId?: string;
  before?: number;
  limit?: number;
}

/** Briefings and reports within the caller's command scope, newest first. */
export function fetchReports(filter: ReportListFilter): Promise<ApiOutcome<{ ok: true; reports: ReportListItem[] }>> {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) if (value !== undefined) q.set(key, String(value));
  const query = q.toString();
  return requestJson(query ? `/api/reports?${query}` : '/api/reports');
}

/** One stored briefing or report, its headings and sentences in the reader's language. */
export function fetchReport(id: string, lang: ReportLang): Promise<ApiOutcome<{ ok: true; report: ReportDocument }>> {
  return requestJson(`/api/reports/${encodeURIComponent(id)}?lang=${lang}`);
}

/** Asks for a briefing or report now: 201 when built, 200 when that period's was already stored. */
export function requestReport(
  body: ReportRequest,
): Promise<ApiOutcome<{ ok: true; report: ReportDocument; created: boolean }>> {
  return requestJson('/api/reports', { method: 'POST', body });
}

/** 重新生成: rebuilds a stored report from the store as it is now (audited; at most once a minute). */
export function regenerateReport(
  id: string,
  lang: ReportLang,
): Promise<ApiOutcome<{ ok: true; report: ReportDocument }>> {
  return requestJson(`/api/reports/${encodeURIComponent(id)}/regenerate?lang=${lang}`, { method: 'POST' });
}

/** The group messages some summary sentences of a report cite. */
export function fetchReportSources(
  id: string,
  ids: string[],
): Promise<ApiOutcome<{ ok: true; messages: ReportSourceMessage[] }>> {
  return requestJson(`/api/reports/${encodeURIComponent(id)}/sources?ids=${ids.map(encodeURIComponent).join(',')}`);
}
