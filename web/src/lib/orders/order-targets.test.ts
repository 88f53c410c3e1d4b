import { describe, expect, it } from 'vitest';
import type { ScopeResponse } from '../org/org.client.ts';
import { resolveRecipients, ScopeTree, toTargets } from './order-targets.ts';

const scope: Pick<ScopeResponse, 'scopeId' | 'units' | 'people'> = {
  scopeId: 'st',
  units: [
    { id: 'st', parentId: 'branch', kind: 'station', name: '桃源派出所', code: 'TY' },
    { id: 'cmd', parentId: 'st', kind: 'command_room', name: '勤务管理指挥室', code: 'TY-ZH' },
    { id: 'c1', parentId: 'st', kind: 'community', name: '桃源社区', code: 'TY-C1' },
    { id: 'g1', parentId: 'c1', kind: 'grid', name: '第一网格', code: 'TY-C1-G1' },
  ],
  people: [
    { id: 'head', name: '龚文博', role: 'station_head', rank: null, unitId: 'st', onDuty: true, online: false },
    { id: 'me', name: '邱学军', role: 'dispatcher', rank: null, unitId: 'cmd', onDuty: true, online: true },
    { id: 'cop', name: '尹国庆', role: 'officer', rank: null, unitId: 'c1', onDuty: false, online: true },
    { id: 'aux', name: '罗霞', role: 'auxiliary', rank: null, unitId: 'c1', onDuty: true, online: false },
    { id: 'grid', name: '田金凤', role: 'grid_worker', rank: null, unitId: 'g1', onDuty: false, online: false },
  ],
};

describe('order targets', () => {
  const tree = new ScopeTree(scope);

  it('indexes the tree from the scope root', () => {
    expect(tree.root?.id).toBe('st');
    expect(tree.children('st').map((u) => u.id)).toEqual(['cmd', 'c1']);
    expect(tree.under('c1').map((p) => p.id)).toEqual(['cop', 'aux', 'grid']);
    expect(tree.rolesUnder('c1')).toEqual(['officer', 'auxiliary', 'grid_worker']);
  });

  it('resolves units by subtree and role, adds people, and leaves the sender out', () => {
    expect([...resolveRecipients(tree, { units: [{ unitId: 'st', roles: null }], people: [] }, 'me')].sort()).toEqual([
      'aux',
      'cop',
      'grid',
      'head',
    ]);
    expect(
      [
        ...resolveRecipients(tree, { units: [{ unitId: 'c1', roles: ['grid_worker'] }], people: ['cop', 'cop'] }, 'me'),
      ].sort(),
    ).toEqual(['cop', 'grid']);
    expect(resolveRecipients(tree, { units: [], people: ['me'] }, 'me').size).toBe(0);
  });

  it('writes the selection as protocol targets', () => {
    expect(
      toTargets({
        units: [
          { unitId: 'c1', roles: null },
          { unitId: 'g1', roles: ['grid_worker'] },
        ],
        people: ['cop'],
      }),
    ).toEqual([
      { kind: 'unit', unitId: 'c1' },
      { kind: 'unit', unitId: 'g1', roles: ['grid_worker'] },
      { kind: 'user', userId: 'cop' },
    ]);
  });
});
