import type { Kysely } from 'kysely';
import { groupsOfKind } from '../conversations/conversation-queries.ts';
import { activePeople, unitsOfKind, unitsWithin } from '../org/org-queries.ts';
import type { Database } from '../store/schema.ts';

export interface GridCast {
  code: string;
  community: string;
  groupId: string;
  officer: string;
  worker: string;
  residents: string[];
}

/** Who plays the history of one station: read from the demo organisation as seeded. */
export interface StationCast {
  id: string;
  code: string;
  path: string;
  head: string;
  dispatchers: string[];
  /** Community officers and auxiliaries (社区警务), by community name. */
  community: Map<string, string[]>;
  /** The case squad (案件打处中队). */
  cases: string[];
  grids: GridCast[];
  /** Residents of the station with no part in grid chat scripts are still letter writers. */
  residents: string[];
}

/** The stations of the store with their people and grid groups, in unit order. */
export async function loadCast(db: Kysely<Database>): Promise<StationCast[]> {
  const stations = await unitsOfKind(db, ['station'], { activeOnly: true });
  const out: StationCast[] = [];
  for (const s of stations) {
    const units = await unitsWithin(db, s.path, undefined, { activeOnly: true });
    const people = await activePeople(db, {
      roles: ['station_head', 'dispatcher', 'officer', 'auxiliary', 'grid_worker', 'resident'],
      within: s.path,
    });
    const of = (unitId: string, roles: string[]) =>
      people.filter((p) => p.unit_id === unitId && roles.includes(p.role)).map((p) => p.id);
    const byId = new Map(units.map((u) => [u.id, u]));
    const gridUnits = units.filter((u) => u.kind === 'grid');
    const groups = new Map(
      (
        await groupsOfKind(
          db,
          'grid',
          gridUnits.map((u) => u.id),
        )
      ).map((g) => [g.unit_id, g.id]),
    );
    const community = new Map<string, string[]>();
    for (const c of units.filter((u) => u.kind === 'community'))
      community.set(c.name, of(c.id, ['officer', 'auxiliary']));
    const grids: GridCast[] = [];
    for (const g of gridUnits) {
      const parent = byId.get(g.parent_id ?? '');
      const groupId = groups.get(g.id);
      const [officer] = parent ? of(parent.id, ['officer']) : [];
      const [worker] = of(g.id, ['grid_worker']);
      const residents = of(g.id, ['resident']);
      if (!parent || !groupId || !officer || !worker || residents.length < 2) continue;
      grids.push({ code: g.code, community: parent.name, groupId, officer, worker, residents });
    }
    const [head] = of(s.id, ['station_head']);
    const dispatchers = people.filter((p) => p.role === 'dispatcher').map((p) => p.id);
    const casesUnit = units.find((u) => u.kind === 'squad' && u.name.includes('案件'));
    if (!head || dispatchers.length === 0) continue;
    out.push({
      id: s.id,
      code: s.code,
      path: s.path,
      head,
      dispatchers,
      community,
      cases: casesUnit ? of(casesUnit.id, ['officer', 'auxiliary']) : [],
      grids,
      residents: people.filter((p) => p.role === 'resident').map((p) => p.id),
    });
  }
  return out;
}
