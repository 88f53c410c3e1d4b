import type { AssignmentView } from '@fengqiao/hub/protocol';
import { isOpen } from './order-states.ts';

/** What the inbox keeps between visits, per person: assignments and the sync cursor. */
export interface OrderCache {
  cursor: number;
  assignments: AssignmentView[];
}

const PREFIX = 'fq.orders.';
const VERSION = 1;
/** Finished assignments kept beyond the open ones; older ones drop off this device. */
const KEEP_FINISHED = 300;

/** An empty cache: sync starts from the beginning. */
export function emptyCache(): OrderCache {
  return { cursor: 0, assignments: [] };
}

/** The person's cache, or an empty one if there is none or it cannot be read. */
export function loadCache(userId: string): OrderCache {
  try {
    const raw = localStorage.getItem(PREFIX + userId);
    if (!raw) return emptyCache();
    const parsed = JSON.parse(raw) as Partial<OrderCache> & { v?: number };
    if (parsed.v !== VERSION || typeof parsed.cursor !== 'number' || !Array.isArray(parsed.assignments))
      return emptyCache();
    return { cursor: parsed.cursor, assignments: parsed.assignments };
  } catch {
    return emptyCache();
  }
}

/** Stores the cache, keeping every open assignment and the newest finished ones. */
export function saveCache(userId: string, cache: OrderCache): void {
  const open = cache.assignments.filter(isOpen);
  const finished = cache.assignments
    .filter((a) => !isOpen(a))
    .sort((a, b) => b.rev - a.rev)
    .slice(0, KEEP_FINISHED);
  try {
    localStorage.setItem(
      PREFIX + userId,
      JSON.stringify({ v: VERSION, cursor: cache.cursor, assignments: [...open, ...finished] }),
    );
  } catch {
    // Storage full or blocked: the next visit syncs from further back, nothing is lost on the hub.
  }
}

/** Removes the person's orders from this device (on sign-out: phones are shared). */
export function clearCache(userId: string): void {
  try {
    localStorage.removeItem(PREFIX + userId);
  } catch {
    // Nothing stored, or storage blocked.
  }
}
