import { requestJson, type ApiOutcome } from '../api/request.ts';

/** Whether the hub still waits for its first administrator. */
export function fetchSetupNeeded(): Promise<ApiOutcome<{ ok: true; needed: boolean }>> {
  return requestJson('/api/setup');
}

/** Creates the first administrator with the one-time secret; the hub signs them in. */
export function createFirstAdmin(body: {
  secret: string;
  login: string;
  name: string;
  password: string;
}): Promise<ApiOutcome<{ ok: true }>> {
  return requestJson('/api/setup', { method: 'POST', body });
}
