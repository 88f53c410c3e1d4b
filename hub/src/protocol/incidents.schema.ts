import { z } from 'zod';
import type { Assert, Equals } from './type-equality.ts';
import { instant } from './time-window.schema.ts';
import {
  INCIDENT_CATEGORIES,
  INCIDENT_SOURCES,
  INCIDENT_STATUSES,
  type CreateIncidentBody,
  type IncidentStatusBody,
} from './incidents.ts';

export const createIncidentBody = z.object({
  clientId: z.string().min(8).max(64),
  reportedAt: instant.optional(),
  category: z.enum(INCIDENT_CATEGORIES),
  source: z.enum(INCIDENT_SOURCES),
  place: z.string().trim().min(1).max(200),
  caller: z.string().trim().max(100).optional(),
  summary: z.string().trim().min(1).max(2000),
});

export const incidentStatusBody = z.object({ status: z.enum(INCIDENT_STATUSES) });

type _Checks = [
  Assert<Equals<z.infer<typeof createIncidentBody>, CreateIncidentBody>>,
  Assert<Equals<z.infer<typeof incidentStatusBody>, IncidentStatusBody>>,
];
