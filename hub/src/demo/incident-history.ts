import type { Insertable } from 'kysely';
import { localDate } from '../reports/local-period.ts';
import type { IncidentCategory, IncidentSource, IncidentStatus } from '../protocol/index.ts';
import type { IncidentTable } from '../store/schema.ts';
import type { Dice } from '../org/demo-random.ts';
import type { StationCast } from './history-cast.ts';
import { fill, HOUR, timeOfDay, type HistoryClock } from './history-clock.ts';
import { CALLERS, INCIDENT_SUMMARIES, INCIDENT_WEIGHTS, PLACES, SOURCE_WEIGHTS, STREETS } from './station-lines.ts';

const NUMBERING_ZONE = 'Asia/Shanghai';
/** A station logs about 2,200 incidents a year (domain.md): four to nine a day. */
const PER_DAY: [min: number, max: number] = [4, 9];

/** Where an incident stands `age` after it was reported (received → dispatched → on scene → closed). */
function statusAt(d: Dice, age: number): IncidentStatus {
  if (age > 12 * HOUR) return d.chance(0.97) ? 'closed' : 'on_scene';
  if (age > 2 * HOUR) return d.chance(0.7) ? 'closed' : 'on_scene';
  if (age > 20 * 60_000) return d.chance(0.5) ? 'on_scene' : 'dispatched';
  return 'received';
}

/**
 * A month of a station's incident register: numbered per local day as the incident service
 * numbers them (`<station>-<yyyymmdd>-<nnnn>`), so incidents logged live today continue the count.
 */
export function planIncidents(d: Dice, st: StationCast, clock: HistoryClock): Insertable<IncidentTable>[] {
  const rows: Insertable<IncidentTable>[] = [];
  const communities = [...st.community.keys()];
  const perDay = new Map<string, number>();
  for (const dayStart of clock.dayStarts) {
    const times = Array.from({ length: d.int(...PER_DAY) }, () => timeOfDay(d, dayStart))
      .filter((t) => t < clock.now)
      .sort((a, b) => a - b);
    for (const reportedAt of times) {
      // Numbered by the day of the service's numbering (Asia/Shanghai), whatever the report zone.
      const day = localDate(reportedAt, NUMBERING_ZONE).replaceAll('-', '');
      const n = (perDay.get(day) ?? 0) + 1;
      perDay.set(day, n);
      const category = d.weighted(INCIDENT_WEIGHTS) as IncidentCategory;
      const community = d.pick(communities);
      const place = fill(d, d.pick(PLACES), STREETS, community);
      const source = d.weighted(SOURCE_WEIGHTS) as IncidentSource;
      const by = d.pick(st.dispatchers);
      const logged = reportedAt + d.int(1, 4) * 60_000;
      rows.push({
        id: d.id(reportedAt),
        station_id: st.id,
        number: `${st.code}-${day}-${String(n).padStart(4, '0')}`,
        client_id: `demo-history-${st.code}-${day}-${n}`,
        created_by: by,
        reported_at: reportedAt,
        category,
        source,
        place,
        caller: source === 'patrol' ? null : d.pick(CALLERS),
        summary: fill(d, d.pick(INCIDENT_SUMMARIES[category]), STREETS, community, place),
        status: statusAt(d, clock.now - reportedAt),
        created_at: Math.min(logged, clock.now),
        updated_at: Math.min(logged + d.int(10, 180) * 60_000, clock.now),
      });
    }
  }
  return rows;
}
