import type { OrgScopeResponse } from '@fengqiao/hub/protocol';
import { requestJson, type ApiOutcome } from '../api/request.ts';

/** GET /api/org/scope: what a dispatcher may send orders into. */
export type ScopeResponse = OrgScopeResponse;

/** A unit of the dispatch tree; `parentId` links it to the tree (the scope's root points outside it). */
export type ScopeUnit = OrgScopeResponse['units'][number];

/** Someone who can receive orders, with their duty (在岗) and presence (在线). */
export type ScopePerson = OrgScopeResponse['people'][number];

/** The caller's dispatch tree; 403 for anyone who does not dispatch. */
export function fetchScope(): Promise<ApiOutcome<ScopeResponse>> {
  return requestJson<ScopeResponse>('/api/org/scope');
}
