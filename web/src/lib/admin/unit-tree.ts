import type { UnitKind } from '@fengqiao/hub/protocol';
import type { AdminUnit } from './admin-types.ts';

/**
 * Which kinds may sit under which: city → branch → station → squad / command room / community →
 * grid, command rooms at city and branch level too. The protocol's `UNIT_CHILD_KINDS`, copied (a
 * unit test holds them equal) because a value import from the protocol would ship zod to phones.
 */
export const CHILD_KINDS: Record<UnitKind, readonly UnitKind[]> = {
  city: ['branch', 'command_room'],
  branch: ['station', 'command_room'],
  station: ['squad', 'command_room', 'community'],
  squad: [],
  command_room: [],
  community: ['grid'],
  grid: [],
};

/** What a unit's row asks its page to open a dialog for. */
export type UnitAction = 'create' | 'edit' | 'move' | 'retire';

/** A unit with its children, for the tree view. */
export interface UnitNode {
  unit: AdminUnit;
  children: UnitNode[];
}

/** A unit in tree order with its depth, for indented pickers. */
export interface UnitOption {
  unit: AdminUnit;
  depth: number;
}

/** Chinese order (pinyin), digits by value: 2网格 before 10网格. */
const collator = new Intl.Collator('zh-CN', { numeric: true });

function byName(a: AdminUnit, b: AdminUnit): number {
  return collator.compare(a.name, b.name);
}

/**
 * The units as trees. A unit whose parent is not in the list (the top of a station head's
 * station, a city) is a root; within a parent, units sort by kind order then name.
 */
export function buildTree(units: readonly AdminUnit[]): UnitNode[] {
  const nodes = new Map(units.map((unit) => [unit.id, { unit, children: [] as UnitNode[] }]));
  const roots: UnitNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.unit.parentId === null ? undefined : nodes.get(node.unit.parentId);
    (parent ? parent.children : roots).push(node);
  }
  const order = Object.keys(CHILD_KINDS) as UnitKind[];
  const sort = (list: UnitNode[]) => {
    list.sort((a, b) => order.indexOf(a.unit.kind) - order.indexOf(b.unit.kind) || byName(a.unit, b.unit));
    for (const n of list) sort(n.children);
  };
  sort(roots);
  return roots;
}

/** Every unit in tree order (depth first) with its depth. */
export function flattenTree(roots: readonly UnitNode[]): UnitOption[] {
  const out: UnitOption[] = [];
  const walk = (list: readonly UnitNode[], depth: number) => {
    for (const n of list) {
      out.push({ unit: n.unit, depth });
      walk(n.children, depth + 1);
    }
  };
  walk(roots, 0);
  return out;
}

/** The ids of a unit and of everything below it. */
export function subtreeIds(units: readonly AdminUnit[], id: string): Set<string> {
  const children = new Map<string, string[]>();
  for (const u of units) {
    if (u.parentId === null) continue;
    const list = children.get(u.parentId) ?? [];
    list.push(u.id);
    children.set(u.parentId, list);
  }
  const found = new Set<string>();
  const stack = [id];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (found.has(next)) continue;
    found.add(next);
    stack.push(...(children.get(next) ?? []));
  }
  return found;
}

/**
 * Where a unit may move: active units of the kind above its own, outside its own subtree and
 * other than its present parent. The hub checks the same and answers `unit_cycle` otherwise.
 */
export function moveTargets(units: readonly AdminUnit[], unit: AdminUnit): AdminUnit[] {
  const own = subtreeIds(units, unit.id);
  return units.filter(
    (u) => !u.retired && !own.has(u.id) && u.id !== unit.parentId && CHILD_KINDS[u.kind].includes(unit.kind),
  );
}

/** The units in `units` whose kind is `kind`, active ones only. */
export function activeOfKind(units: readonly AdminUnit[], kind: UnitKind): AdminUnit[] {
  return units.filter((u) => u.kind === kind && !u.retired);
}
