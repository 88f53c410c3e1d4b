import type { CreateIncidentBody, IncidentStatus, IncidentView } from '@fengqiao/hub/protocol';
import { requestJson, type ApiOutcome } from '../api/request.ts';

/** The incident register of the caller's station, newest first. */
export function fetchIncidents(): Promise<ApiOutcome<{ ok: true; incidents: IncidentView[] }>> {
  return requestJson('/api/incidents');
}

/** Logs an incident; a retry with the same `clientId` returns the first. */
export function createIncident(body: CreateIncidentBody): Promise<ApiOutcome<{ ok: true; incident: IncidentView }>> {
  return requestJson('/api/incidents', { method: 'POST', body });
}

/** Moves an incident forward (received → dispatched → on scene → closed). */
export function setIncidentStatus(
  id: string,
  status: IncidentStatus,
): Promise<ApiOutcome<{ ok: true; incident: IncidentView }>> {
  return requestJson(`/api/incidents/${encodeURIComponent(id)}`, { method: 'PATCH', body: { status } });
}
