import type { OrderTarget, Role } from '@fengqiao/hub/protocol';
import type { ScopePerson, ScopeResponse, ScopeUnit } from '../org/org.client.ts';

/** A unit picked as a target: all of it (`roles: null`) or only people of some roles in its subtree. */
export interface UnitPick {
  unitId: string;
  roles: Role[] | null;
}

/** What the dispatcher has ticked in the picker. */
export interface TargetSelection {
  units: UnitPick[];
  people: string[];
}

/**
 * The dispatch tree of `GET /api/org/scope`, indexed for the picker: children, people of each
 * unit, and everyone under a unit. Built once per fetch; plain data, not reactive.
 */
export class ScopeTree {
  readonly root: ScopeUnit | undefined;
  readonly units = new Map<string, ScopeUnit>();
  readonly people = new Map<string, ScopePerson>();
  #children = new Map<string, ScopeUnit[]>();
  #members = new Map<string, ScopePerson[]>();
  #under = new Map<string, ScopePerson[]>();

  constructor(scope: Pick<ScopeResponse, 'scopeId' | 'units' | 'people'>) {
    for (const u of scope.units) this.units.set(u.id, u);
    for (const u of scope.units) {
      if (u.parentId === null || !this.units.has(u.parentId)) continue;
      const list = this.#children.get(u.parentId) ?? [];
      list.push(u);
      this.#children.set(u.parentId, list);
    }
    for (const p of scope.people) {
      this.people.set(p.id, p);
      const list = this.#members.get(p.unitId) ?? [];
      list.push(p);
      this.#members.set(p.unitId, list);
    }
    this.root = this.units.get(scope.scopeId);
  }

  /** Units directly below, in the hub's order. */
  children(unitId: string): ScopeUnit[] {
    return this.#children.get(unitId) ?? [];
  }

  /** People whose own unit this is. */
  members(unitId: string): ScopePerson[] {
    return this.#members.get(unitId) ?? [];
  }

  /** Everyone in the unit and all units below it (what a unit target reaches). */
  under(unitId: string): ScopePerson[] {
    let found = this.#under.get(unitId);
    if (!found) {
      found = [...this.members(unitId), ...this.children(unitId).flatMap((c) => this.under(c.id))];
      this.#under.set(unitId, found);
    }
    return found;
  }

  /** The roles present under a unit, for its "by role" choices. */
  rolesUnder(unitId: string): Role[] {
    return [...new Set(this.under(unitId).map((p) => p.role))];
  }
}

/**
 * Who the selection reaches, the way the hub resolves it at send time: a unit target takes its
 * whole subtree (only the chosen roles, if any), people are added by name, and the sender never
 * receives their own order.
 */
export function resolveRecipients(tree: ScopeTree, selection: TargetSelection, selfId: string): Set<string> {
  const ids = new Set<string>();
  for (const pick of selection.units) {
    for (const p of tree.under(pick.unitId)) if (pick.roles === null || pick.roles.includes(p.role)) ids.add(p.id);
  }
  for (const id of selection.people) if (tree.people.has(id)) ids.add(id);
  ids.delete(selfId);
  return ids;
}

/** The selection as the `targets` of `order:create`. */
export function toTargets(selection: TargetSelection): OrderTarget[] {
  return [
    ...selection.units.map((u): OrderTarget =>
      u.roles === null ? { kind: 'unit', unitId: u.unitId } : { kind: 'unit', unitId: u.unitId, roles: u.roles },
    ),
    ...selection.people.map((userId): OrderTarget => ({ kind: 'user', userId })),
  ];
}
