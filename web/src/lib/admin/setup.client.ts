import type { SetupBody, SetupResponse, SetupStatusResponse } from '@fengqiao/hub/protocol';
import { requestJson, type ApiOutcome } from '../api/request.ts';

/** Whether the hub still waits for its first administrator. */
export function fetchSetupNeeded(): Promise<ApiOutcome<SetupStatusResponse>> {
  return requestJson('/api/setup');
}

/** Creates the first administrator with the one-time secret; the hub signs them in. */
export function createFirstAdmin(body: SetupBody): Promise<ApiOutcome<SetupResponse>> {
  return requestJson('/api/setup', { method: 'POST', body });
}
