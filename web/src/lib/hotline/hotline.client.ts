import type { HotlineStationInfo, RegisterBody, RegisterResponse, RegistrationOptions } from '@fengqiao/hub/protocol';
import { requestJson, type ApiOutcome } from '../api/request.ts';

/** Public: what the landing `/h/<code>` shows (station, head, promised response time). */
export function fetchStationInfo(code: string, fetchFn?: typeof fetch): Promise<ApiOutcome<HotlineStationInfo>> {
  return requestJson<HotlineStationInfo>(
    `/api/hotline/stations/${encodeURIComponent(code)}`,
    fetchFn ? { fetch: fetchFn } : {},
  );
}

/** Public: the communities and grids a resident of the station may sign up for. */
export function fetchRegistrationOptions(
  code: string,
  fetchFn?: typeof fetch,
): Promise<ApiOutcome<RegistrationOptions>> {
  return requestJson<RegistrationOptions>(
    `/api/register/stations/${encodeURIComponent(code)}`,
    fetchFn ? { fetch: fetchFn } : {},
  );
}

/** Submits a resident's sign-up; the answer is the same whether or not the number was registered. */
export function register(body: RegisterBody): Promise<ApiOutcome<RegisterResponse>> {
  return requestJson<RegisterResponse>('/api/register', { method: 'POST', body });
}
