/** 刑事 criminal, 治安 public order, 求助 assistance, 交通 traffic, 纠纷 dispute, 其他 other. */
export const INCIDENT_CATEGORIES = ['criminal', 'public_order', 'assistance', 'traffic', 'dispute', 'other'] as const;
export type IncidentCategory = (typeof INCIDENT_CATEGORIES)[number];

/** 110 call or walk-in (来所报警). */
export const INCIDENT_SOURCES = ['call_110', 'walk_in', 'patrol', 'other'] as const;
export type IncidentSource = (typeof INCIDENT_SOURCES)[number];

/** received → dispatched → on scene → closed; forward only. */
export const INCIDENT_STATUSES = ['received', 'dispatched', 'on_scene', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** POST /api/incidents: register an incident (警情登记). */
export interface CreateIncidentBody {
  clientId: string;
  reportedAt?: number | undefined;
  category: IncidentCategory;
  source: IncidentSource;
  place: string;
  caller?: string | undefined;
  summary: string;
}

/** PATCH /api/incidents/:id: move the status forward. */
export interface IncidentStatusBody {
  status: IncidentStatus;
}

export interface IncidentView {
  id: string;
  number: string;
  stationId: string;
  reportedAt: number;
  category: IncidentCategory;
  source: IncidentSource;
  place: string;
  caller: string | null;
  summary: string;
  status: IncidentStatus;
  createdBy: { id: string; name: string };
  /** Orders sent for this incident. */
  orderIds: string[];
}
