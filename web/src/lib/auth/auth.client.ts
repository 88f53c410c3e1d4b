import type { LoginBody, LoginResponse, MeResponse, Role } from '@fengqiao/hub/protocol';
import { requestJson, type ApiOutcome } from '../api/request.ts';

/** One entry of the demo panel on the login page. */
export interface DemoAccount {
  login: string;
  name: string;
  role: Role;
  unitName: string;
}

/** GET /api/demo/accounts: the seeded accounts and their shared password. */
export interface DemoAccountsResponse {
  ok: true;
  password: string;
  accounts: DemoAccount[];
}

/** Signs in; on success the hub sets the HttpOnly session cookie. */
export function login(body: LoginBody): Promise<ApiOutcome<LoginResponse>> {
  return requestJson<LoginResponse>('/api/auth/login', { method: 'POST', body });
}

/** Ends the session on the hub, which also closes its sockets on every node. */
export function logout(): Promise<ApiOutcome<{ ok: true }>> {
  return requestJson<{ ok: true }>('/api/auth/logout', { method: 'POST', body: {} });
}

/** The signed-in person, or 401 `unauthenticated` / `session_expired`. Pass a load function's `fetch` when in one. */
export function fetchMe(fetchFn?: typeof fetch): Promise<ApiOutcome<MeResponse>> {
  return requestJson<MeResponse>('/api/auth/me', fetchFn ? { fetch: fetchFn } : {});
}

/** The demo accounts, or a 404 failure when the hub carries no demo data. */
export function fetchDemoAccounts(): Promise<ApiOutcome<DemoAccountsResponse>> {
  return requestJson<DemoAccountsResponse>('/api/demo/accounts');
}
