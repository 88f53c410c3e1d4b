import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';

/**
 * Named reads of the incident register (`incidents`) for the other modules: orders check an
 * incident's station, reports count. Only the incident service writes the table.
 */

/** A period [start, end) in epoch ms. */
type Span = { start: number; end: number };

/** The path of the station an incident was logged by; undefined when there is no such incident. */
export async function incidentStationPath(db: Kysely<Database>, incidentId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('incidents')
    .innerJoin('units', 'units.id', 'incidents.station_id')
    .select('units.path')
    .where('incidents.id', '=', incidentId)
    .executeTakeFirst();
  return row?.path;
}

/** Incidents of these stations reported in the period, per category or per station. */
export async function incidentCounts(
  db: Kysely<Database>,
  stationIds: string[],
  p: Span,
  per: 'category' | 'station_id',
): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('incidents')
    .select([per, (eb) => eb.fn.countAll<number>().as('n')])
    .where('station_id', 'in', stationIds)
    .where('reported_at', '>=', p.start)
    .where('reported_at', '<', p.end)
    .groupBy(per)
    .execute();
  return new Map(rows.map((r) => [per === 'category' ? r.category : r.station_id, Number(r.n ?? 0)]));
}

/** Whether these stations logged anything reported before `t` (an index range probe, not a scan). */
export async function hasIncidentsBefore(db: Kysely<Database>, stationIds: string[], t: number): Promise<boolean> {
  const row = await db
    .selectFrom('incidents')
    .select('id')
    .where('station_id', 'in', stationIds)
    .where('reported_at', '<', t)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** When and of which category each incident of the period was reported (a few thousand at most for a month). */
export function incidentTimes(db: Kysely<Database>, stationIds: string[], p: Span) {
  return db
    .selectFrom('incidents')
    .select(['reported_at', 'category'])
    .where('station_id', 'in', stationIds)
    .where('reported_at', '>=', p.start)
    .where('reported_at', '<', p.end)
    .execute();
}

/** The period's criminal cases and those still open, criminal first, then in the order reported. */
export function notableIncidents(db: Kysely<Database>, stationIds: string[], p: Span, limit: number) {
  return db
    .selectFrom('incidents')
    .select(['id', 'number', 'category', 'place', 'summary', 'status', 'reported_at'])
    .where('station_id', 'in', stationIds)
    .where('reported_at', '>=', p.start)
    .where('reported_at', '<', p.end)
    .where((eb) => eb.or([eb('category', '=', 'criminal'), eb('status', '!=', 'closed')]))
    .orderBy(sql`case when category = 'criminal' then 0 else 1 end`)
    .orderBy('reported_at')
    .limit(limit)
    .execute();
}

/** Ids of incidents whose number holds this LIKE pattern (at most `limit`): orders search by incident number. */
export async function incidentIdsByNumber(db: Kysely<Database>, pattern: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('incidents')
    .select('id')
    .where(sql<boolean>`lower(number) like lower(${pattern}) escape '\\'`)
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}
