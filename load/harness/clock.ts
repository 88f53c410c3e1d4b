/**
 * Wall-clock milliseconds with sub-millisecond resolution, comparable ACROSS processes on this
 * machine: each process anchors its monotonic `performance.now()` to the system clock once, at
 * start (`timeOrigin`). The fan-out bench timestamps the send in one process and each receipt in
 * another, so it cannot use `performance.now()` alone; `Date.now()` would do, but only to the ms.
 */
export const now = (): number => performance.timeOrigin + performance.now();
