import { describe, expect, it } from 'vitest';
import { UNIT_CHILD_KINDS } from '@fengqiao/hub/protocol';
import type { AdminUnit } from './admin-types.ts';
import { buildTree, CHILD_KINDS, flattenTree, moveTargets, subtreeIds } from './unit-tree.ts';

function unit(id: string, parentId: string | null, kind: AdminUnit['kind'], name = id): AdminUnit {
  return { id, parentId, kind, name, code: '', retired: false, staffCount: 0 };
}

describe('CHILD_KINDS', () => {
  it('is the protocol’s, copied so that phones do not load zod', () => {
    expect(CHILD_KINDS).toEqual(UNIT_CHILD_KINDS);
  });
});

const units: AdminUnit[] = [
  unit('g2', 'c1', 'grid', '桃源10网格'),
  unit('s1', 'b1', 'station', '桃源派出所'),
  unit('c1', 's1', 'community', '桃源社区'),
  unit('q1', 's1', 'squad', '社区警务队'),
  unit('g1', 'c1', 'grid', '桃源2网格'),
  unit('s2', 'b1', 'station', '海昌派出所'),
  unit('c2', 's2', 'community', '海昌社区'),
  unit('b1', 'outside', 'branch', '分局'),
];

describe('buildTree', () => {
  it('hangs units under their parents and takes an unknown parent as the top', () => {
    const roots = buildTree(units);
    expect(roots.map((n) => n.unit.id)).toEqual(['b1']);
    const order = flattenTree(roots).map((o) => `${o.depth}:${o.unit.id}`);
    // Squads come before communities (kind order); names in pinyin order, numbers by value.
    expect(order).toEqual(['0:b1', '1:s2', '2:c2', '1:s1', '2:q1', '2:c1', '3:g1', '3:g2']);
  });
});

describe('subtreeIds', () => {
  it('holds the unit and everything below it, nothing else', () => {
    expect([...subtreeIds(units, 's1')].sort()).toEqual(['c1', 'g1', 'g2', 'q1', 's1']);
    expect([...subtreeIds(units, 'g1')]).toEqual(['g1']);
  });
});

describe('moveTargets', () => {
  it('offers only parents of the right kind, not the present one', () => {
    const c1 = units.find((u) => u.id === 'c1')!;
    expect(moveTargets(units, c1).map((u) => u.id)).toEqual(['s2']);
    const g1 = units.find((u) => u.id === 'g1')!;
    expect(moveTargets(units, g1).map((u) => u.id)).toEqual(['c2']);
  });

  it('never offers the unit’s own subtree, nor a retired unit', () => {
    const withRetired = [...units, { ...unit('s3', 'b1', 'station'), retired: true }];
    const s1 = withRetired.find((u) => u.id === 's1')!;
    expect(moveTargets(withRetired, s1)).toEqual([]);
  });
});
