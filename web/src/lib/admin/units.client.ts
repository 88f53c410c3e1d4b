import type { AdminUnitResponse, AdminUnitsResponse, UnitCreateBody, UnitPatchBody } from '@fengqiao/hub/protocol';
import { requestJson, type ApiOutcome } from '../api/request.ts';

const BASE = '/api/admin/units';
const one = (id: string) => `${BASE}/${encodeURIComponent(id)}`;

/** The whole tree the caller may manage, as a flat list linked by `parentId`. */
export function fetchUnits(): Promise<ApiOutcome<AdminUnitsResponse>> {
  return requestJson(BASE);
}

/** A new unit under `parentId` (null: a new root, admins only); the kind must fit the parent's. */
export function createUnit(body: UnitCreateBody): Promise<ApiOutcome<AdminUnitResponse>> {
  return requestJson(BASE, { method: 'POST', body });
}

/** Renames, re-codes or moves a unit (moving under its own descendant is refused: `unit_cycle`). */
export function updateUnit(id: string, body: UnitPatchBody): Promise<ApiOutcome<AdminUnitResponse>> {
  return requestJson(one(id), { method: 'PATCH', body });
}

/** Retires an empty unit (refused while it has active people or child units: `unit_not_empty`). */
export function retireUnit(id: string): Promise<ApiOutcome<AdminUnitResponse>> {
  return requestJson(`${one(id)}/retire`, { method: 'POST', body: {} });
}
