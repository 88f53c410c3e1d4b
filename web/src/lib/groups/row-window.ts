/*
 * The arithmetic of the windowed chat list: rows have measured heights (an estimate until
 * measured), their tops are prefix sums, and only the rows overlapping the viewport (plus some
 * overscan) are rendered.
 */

/** Tops of each row and the total height: `tops[i]` is where row i starts, `tops[n]` the end. */
export function rowTops(keys: readonly string[], heightOf: (key: string) => number): number[] {
  const tops = new Array<number>(keys.length + 1);
  tops[0] = 0;
  for (let i = 0; i < keys.length; i++) tops[i + 1] = tops[i]! + heightOf(keys[i]!);
  return tops;
}

/** The first row whose bottom lies below `y` (binary search over the tops). */
export function rowAt(tops: readonly number[], y: number): number {
  let lo = 0;
  let hi = tops.length - 2;
  if (hi < 0) return 0;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tops[mid + 1]! <= y) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The rows [start, end) to render for a viewport from `top` to `bottom`, with `overscan` px either side. */
export function visibleRange(tops: readonly number[], top: number, bottom: number, overscan: number): [number, number] {
  const n = tops.length - 1;
  if (n <= 0) return [0, 0];
  const start = rowAt(tops, Math.max(0, top - overscan));
  const end = Math.min(n, rowAt(tops, bottom + overscan) + 1);
  return [start, end];
}
