import type { Role } from '@fengqiao/hub/protocol';
import { requestJson, type ApiOutcome } from '../api/request.ts';
import type { AdminPerson } from './admin-types.ts';
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

/** The fields an administrator fills in for a new person or edits on one. */
export interface PersonFields {
  name: string;
  rank?: string;
  phone?: string;
  role: Role;
  unitId: string;
}

/** A page of staff matching the filter; pass the last `nextCursor` for the next page. */
export function fetchPeople(
  filter: PeopleFilter,
  cursor?: string,
): Promise<ApiOutcome<{ ok: true; people: AdminPerson[]; nextCursor: string | null }>> {
  return requestJson(withQuery(BASE, { ...filter, cursor }));
}

/** Creates a person (login = badge number 警号); the temporary password comes back once. */
export function createPerson(
  body: PersonFields & { login: string },
): Promise<ApiOutcome<{ ok: true; person: AdminPerson; temporaryPassword: string }>> {
  return requestJson(BASE, { method: 'POST', body });
}

/** Edits a person; a new role or unit signs them out everywhere and moves their groups. */
export function updatePerson(
  id: string,
  body: Partial<PersonFields>,
): Promise<ApiOutcome<{ ok: true; person: AdminPerson }>> {
  return requestJson(one(id), { method: 'PATCH', body });
}

/** Disables (ending their sessions) or re-enables a person. */
export function setPersonDisabled(
  id: string,
  disabled: boolean,
): Promise<ApiOutcome<{ ok: true; person: AdminPerson }>> {
  return requestJson(`${one(id)}/${disabled ? 'disable' : 'enable'}`, { method: 'POST', body: {} });
}

/** Gives a person a new temporary password, to be changed at their next sign-in. */
export function resetPassword(id: string): Promise<ApiOutcome<{ ok: true; temporaryPassword: string }>> {
  return requestJson(`${one(id)}/reset-password`, { method: 'POST', body: {} });
}
