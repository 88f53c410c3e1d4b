import { describe, expect, it } from 'vitest';
import { fieldChanges } from './audit-diff.ts';

describe('fieldChanges', () => {
  it('lists only the fields that differ', () => {
    expect(
      fieldChanges({ name: '张伟', role: 'officer', unitId: 'u1' }, { name: '张伟', role: 'dispatcher', unitId: 'u2' }),
    ).toEqual([
      { field: 'role', before: 'officer', after: 'dispatcher' },
      { field: 'unitId', before: 'u1', after: 'u2' },
    ]);
  });

  it('shows a creation as every field from nothing', () => {
    expect(fieldChanges(null, { name: '一网格', code: null })).toEqual([
      { field: 'name', before: '—', after: '一网格' },
    ]);
  });

  it('takes plain values as one change, and none when equal', () => {
    expect(fieldChanges(false, true)).toEqual([{ field: '', before: 'false', after: 'true' }]);
    expect(fieldChanges('x', 'x')).toEqual([]);
    expect(fieldChanges({ tags: ['a'] }, { tags: ['a', 'b'] })).toEqual([
      { field: 'tags', before: '["a"]', after: '["a","b"]' },
    ]);
  });
});
