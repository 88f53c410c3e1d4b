import { describe, expect, it } from 'vitest';
import { rowAt, rowTops, visibleRange } from './row-window.ts';

describe('row window', () => {
  const keys = ['a', 'b', 'c', 'd', 'e'];
  const heights: Record<string, number> = { a: 10, b: 50, c: 20, d: 100, e: 30 };
  const tops = rowTops(keys, (k) => heights[k]!);

  it('lays rows out as prefix sums of their heights', () => {
    expect(tops).toEqual([0, 10, 60, 80, 180, 210]);
  });

  it('finds the row under a position', () => {
    expect(rowAt(tops, 0)).toBe(0);
    expect(rowAt(tops, 10)).toBe(1);
    expect(rowAt(tops, 59)).toBe(1);
    expect(rowAt(tops, 179)).toBe(3);
    expect(rowAt(tops, 500)).toBe(4);
    expect(rowAt([0], 5)).toBe(0);
  });

  it('renders only the rows that overlap the viewport and its overscan', () => {
    expect(visibleRange(tops, 65, 90, 0)).toEqual([2, 4]);
    expect(visibleRange(tops, 65, 90, 10)).toEqual([1, 4]);
    expect(visibleRange(tops, 0, 1000, 0)).toEqual([0, 5]);
    expect(visibleRange([0], 0, 100, 50)).toEqual([0, 0]);
  });
});
