import type { Role, UnitKind } from '@fengqiao/hub/protocol';
import { requestJson, type ApiOutcome } from '../api/request.ts';

/** A unit of the dispatch tree; `parentId` links it to the tree (the scope's root points outside it). */
export interface ScopeUnit {
  id: string;
  parentId: string | null;
  kind: UnitKind;
  name: string;
  code: string;
}

/** Someone who can receive orders, with their duty (在岗) and presence (在线). */
export interface ScopePerson {
  id: string;
  name: string;
  role: Role;
  rank: string | null;
  unitId: string;
  onDuty: boolean;
  online: boolean;
}

/** GET /api/org/scope: what a dispatcher may send orders into. */
export interface ScopeResponse {
  ok: true;
  scopeId: string;
  units: ScopeUnit[];
  people: ScopePerson[];
}

/** The caller's dispatch tree; 403 for anyone who does not dispatch. */
export function fetchScope(): Promise<ApiOutcome<ScopeResponse>> {
  return requestJson<ScopeResponse>('/api/org/scope');
}
