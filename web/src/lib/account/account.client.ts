import type { AccountSessionsResponse, AccountSessionView, PasswordChangeBody } from '@fengqiao/hub/protocol';
import { requestJson, type ApiOutcome } from '../api/request.ts';

/** One signed-in device of the person; `id` is an opaque public id, never the session token. */
export type AccountSession = AccountSessionView;

/** Changes the person's own password; every other session of theirs ends. */
export function changePassword(body: PasswordChangeBody): Promise<ApiOutcome<{ ok: true }>> {
  return requestJson('/api/account/password', { method: 'POST', body });
}

/** The person's active sessions, this one marked `current`. */
export function fetchSessions(): Promise<ApiOutcome<AccountSessionsResponse>> {
  return requestJson('/api/account/sessions');
}

/** Ends one of the person's sessions (its sockets close on every node). */
export function endSession(id: string): Promise<ApiOutcome<{ ok: true }>> {
  return requestJson(`/api/account/sessions/${encodeURIComponent(id)}`, { method: 'DELETE' });
}
