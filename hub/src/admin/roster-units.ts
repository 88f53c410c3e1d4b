import type { Kysely } from 'kysely';
import type { UnitKind } from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import type { AdminScope } from './admin-scope.ts';

/** A unit as rosters name it. */
export interface RosterUnit {
  id: string;
  parent_id: string | null;
  kind: UnitKind;
  name: string;
  code: string;
  path: string;
  retired_at: number | null;
}

export type UnitLookup = { unit: RosterUnit } | { problem: 'unit_not_found' | 'unit_ambiguous' | 'unit_retired' };

/**
 * The units of a scope, found the ways a roster names them: by code, by a name unique in the
 * scope, or by a path of names (`桃源派出所/社区警务中队`) where a name repeats. Exports write the
 * shortest of these that is unambiguous, so an exported file imports back unchanged.
 */
export async function loadRosterUnits(db: Kysely<Database>, scope: AdminScope) {
  let q = db.selectFrom('units').select(['id', 'parent_id', 'kind', 'name', 'code', 'path', 'retired_at']);
  if (scope.prefix) q = q.where('path', 'like', `${scope.prefix}%`);
  const units: RosterUnit[] = await q.orderBy('sort').execute();
  const byId = new Map(units.map((u) => [u.id, u]));
  const byCode = new Map(units.map((u) => [u.code.toLowerCase(), u]));
  const byName = new Map<string, RosterUnit[]>();
  for (const u of units) byName.set(u.name, [...(byName.get(u.name) ?? []), u]);

  function find(text: string): UnitLookup {
    const found = byCode.get(text.toLowerCase()) ?? viaNames(text);
    if (found === 'ambiguous') return { problem: 'unit_ambiguous' };
    if (!found) return { problem: 'unit_not_found' };
    return found.retired_at === null ? { unit: found } : { problem: 'unit_retired' };
  }

  /** A unique name, or a `/`-joined path of names read from the last one up. */
  function viaNames(text: string): RosterUnit | 'ambiguous' | undefined {
    const parts = text
      .split('/')
      .map((p) => p.trim())
      .filter(Boolean);
    const last = parts.pop();
    if (!last) return undefined;
    const candidates = (byName.get(last) ?? []).filter((u) => {
      let cur = u;
      for (const name of [...parts].reverse()) {
        const parent = cur.parent_id ? byId.get(cur.parent_id) : undefined;
        if (!parent || parent.name !== name) return false;
        cur = parent;
      }
      return true;
    });
    if (candidates.length > 1) return 'ambiguous';
    return candidates[0];
  }

  /** How an export names a unit: its name when unique in the scope, else its parent's name / its name, else its code. */
  function label(u: RosterUnit): string {
    if ((byName.get(u.name) ?? []).length === 1) return u.name;
    const parent = u.parent_id ? byId.get(u.parent_id) : undefined;
    if (parent && viaNames(`${parent.name}/${u.name}`) === u) return `${parent.name}/${u.name}`;
    return u.code;
  }

  return { units, byId, find, label };
}
export type RosterUnits = Awaited<ReturnType<typeof loadRosterUnits>>;
