import { describe, expect, it } from 'vitest';
import { fieldChanges, showValue } from './audit-diff.ts';

describe('fieldChanges', () => {
  it('lists only the fields that differ', () => {
    expect(
      fieldChanges({ name: '张伟', role: 'officer', unitId: 'u1' }, { name: '张伟', role: 'dispatcher', unitId: 'u2' }),
    ).toEqual([
      { field: 'role', before: 'officer', after: 'dispatcher' },
      { field: 'unitId', before: 'u1', after: 'u2' },
    ]);
  });

  it('shows a creation as every field from nothing, blanks left out', () => {
    expect(fieldChanges(null, { name: '桃源1网格', code: null })).toEqual([
      { field: 'name', before: undefined, after: '桃源1网格' },
    ]);
  });

  it('takes plain values as one change, and none when equal', () => {
    expect(fieldChanges(false, true)).toEqual([{ field: '', before: false, after: true }]);
    expect(fieldChanges('x', 'x')).toEqual([]);
    expect(fieldChanges({ tags: ['a'] }, { tags: ['a'] })).toEqual([]);
  });
});

describe('showValue', () => {
  it('writes nothing as —, text as is, the rest as JSON', () => {
    expect(showValue(null)).toBe('—');
    expect(showValue('')).toBe('—');
    expect(showValue('桃源')).toBe('桃源');
    expect(showValue(['a', 1])).toBe('["a",1]');
  });
});
