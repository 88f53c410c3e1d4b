import type {
  AdminPeopleResponse,
  AdminPersonCreatedResponse,
  AdminPersonResponse,
  PersonCreateBody,
  PersonPatchBody,
  Role,
  TemporaryPasswordResponse,
} from '@fengqiao/hub/protocol';
import { requestJson, type ApiOutcome } from '../api/request.ts';
import { withQuery } from './query-string.ts';

const BASE = '/api/admin/people';
const one = (id: string) => `${BASE}/${encodeURIComponent(id)}`;

/** The filters of the people list; empty ones are not sent. */
export interface PeopleFilter {
  q?: string;
  unitId?: string;
  role?: Role | '';
  status?: 'active' | 'disabled' | '';
}

/** A page of staff matching the filter; pass the last `nextCursor` for the next page. */
export function fetchPeople(filter: PeopleFilter, cursor?: string): Promise<ApiOutcome<AdminPeopleResponse>> {
  return requestJson(withQuery(BASE, { ...filter, cursor }));
}

/** Creates a person (login = badge number 警号); the temporary password comes back once. */
export function createPerson(body: PersonCreateBody): Promise<ApiOutcome<AdminPersonCreatedResponse>> {
  return requestJson(BASE, { method: 'POST', body });
}

/** Edits a person; a new role or unit signs them out everywhere and moves their groups. */
export function updatePerson(id: string, body: PersonPatchBody): Promise<ApiOutcome<AdminPersonResponse>> {
  return requestJson(one(id), { method: 'PATCH', body });
}

/** Disables (ending their sessions) or re-enables a person. */
export function setPersonDisabled(id: string, disabled: boolean): Promise<ApiOutcome<AdminPersonResponse>> {
  return requestJson(`${one(id)}/${disabled ? 'disable' : 'enable'}`, { method: 'POST', body: {} });
}

/** Gives a person a new temporary password, to be changed at their next sign-in. */
export function resetPassword(id: string): Promise<ApiOutcome<TemporaryPasswordResponse>> {
  return requestJson(`${one(id)}/reset-password`, { method: 'POST', body: {} });
}
