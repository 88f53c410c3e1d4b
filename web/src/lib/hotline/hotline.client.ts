import type { HotlineStationInfo, LoginResponse, RegisterBody, RegistrationOptions } from '@fengqiao/hub/protocol';
import { requestJson, type ApiOutcome } from '../api/request.ts';

/** Public: what the landing `/h/<code>` shows (station, head, promised response time). */
export function fetchStationInfo(code: string, fetchFn?: typeof fetch): Promise<ApiOutcome<HotlineStationInfo>> {
  return requestJson<HotlineStationInfo>(`/api/hotline/stations/${encodeURIComponent(code)}`, fetchFn ? { fetch: fetchFn } : {});
}

/** Public: the communities and grids a resident of the station may sign up for. */
export function fetchRegistrationOptions(code: string, fetchFn?: typeof fetch): Promise<ApiOutcome<RegistrationOptions>> {
  return requestJson<RegistrationOptions>(`/api/register/stations/${encodeURIComponent(code)}`, fetchFn ? { fetch: fetchFn } : {});
}

/** Signs a resident up and in at once; on success the hub sets the session cookie. */
export function register(body: RegisterBody): Promise<ApiOutcome<LoginResponse>> {
  return requestJson<LoginResponse>('/api/register', { method: 'POST', body });
}
