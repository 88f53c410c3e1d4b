import type { MeView, ReportUnitKind } from '@fengqiao/hub/protocol';
import { fetchScope, type ScopeUnit } from '../org/org.client.ts';

/** A unit a report may cover, labelled with its depth for a picker. */
export interface ReportUnit {
  id: string;
  name: string;
  kind: ReportUnitKind;
  /** The name indented by depth (a city's branches and their stations). */
  label: string;
}

const KINDS: readonly string[] = ['city', 'branch', 'station'];

/** The scope's cities, branches and stations in tree order, each under its parent. */
export function reportUnitsOf(units: ScopeUnit[]): ReportUnit[] {
  const eligible = units.filter((u) => KINDS.includes(u.kind));
  const ids = new Set(eligible.map((u) => u.id));
  const children = new Map<string | null, ScopeUnit[]>();
  for (const u of eligible) {
    // A unit whose parent is outside the list is a root of the picker.
    const parent = u.parentId !== null && ids.has(u.parentId) ? u.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), u]);
  }
  const out: ReportUnit[] = [];
  const walk = (parent: string | null, depth: number) => {
    for (const u of children.get(parent) ?? []) {
      out.push({ id: u.id, name: u.name, kind: u.kind as ReportUnitKind, label: `${'\u3000'.repeat(depth)}${u.name}` });
      walk(u.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

/**
 * The units the person may ask reports for: their command scope's cities, branches and stations;
 * when the scope cannot be read, the ones on their own unit path.
 */
export async function reportUnits(me: MeView): Promise<ReportUnit[]> {
  const res = await fetchScope();
  if (res.ok) return reportUnitsOf(res.body.units);
  return reportUnitsOf(
    me.unitPath.map((u, i) => ({
      id: u.id,
      parentId: me.unitPath[i - 1]?.id ?? null,
      kind: u.kind,
      name: u.name,
      code: u.code,
    })),
  );
}
