import type { AdminResidentResponse, AdminResidentsResponse, ResidentStatus } from '@fengqiao/hub/protocol';
import { requestJson, type ApiOutcome } from '../api/request.ts';
import { withQuery } from './query-string.ts';

const BASE = '/api/admin/residents';
const one = (id: string) => `${BASE}/${encodeURIComponent(id)}`;

/** The filters of the residents list; empty ones are not sent. */
export interface ResidentFilter {
  gridId?: string;
  status?: ResidentStatus | '';
  q?: string;
}

type Done = Promise<ApiOutcome<AdminResidentResponse>>;

/** A page of residents matching the filter; pass the last `nextCursor` for the next page. */
export function fetchResidents(filter: ResidentFilter, cursor?: string): Promise<ApiOutcome<AdminResidentsResponse>> {
  return requestJson(withQuery(BASE, { ...filter, cursor }));
}

/** Admits a pending resident to their grid. */
export function approveResident(id: string): Done {
  return requestJson(`${one(id)}/approve`, { method: 'POST', body: {} });
}

/** Turns a registration down, with the reason the resident will see. */
export function rejectResident(id: string, reason: string): Done {
  return requestJson(`${one(id)}/reject`, { method: 'POST', body: { reason } });
}

/** Moves a resident to another grid. */
export function moveResident(id: string, gridId: string): Done {
  return requestJson(`${one(id)}/move`, { method: 'POST', body: { gridId } });
}

/** Removes a resident's account on their request: personal data erased, messages kept as 已注销用户. */
export function removeResident(id: string): Promise<ApiOutcome<{ ok: true }>> {
  return requestJson(one(id), { method: 'DELETE' });
}
