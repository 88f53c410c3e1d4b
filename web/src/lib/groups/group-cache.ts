import type { GroupView, MessageView } from '@fengqiao/hub/protocol';
import { tail } from '../conversations/message-log.ts';

/** What the chat keeps between visits, per person: the groups and the newest messages of each. */
export interface GroupCache {
  groups: GroupView[];
  /** Per group, a gap-free run of its newest messages; its last seq is the group's sync cursor. */
  logs: Record<string, MessageView[]>;
  /** Per group, the change cursor the last sync gave: edits after it are fetched (absent: all of the held ones). */
  changes: Record<string, number>;
}

const PREFIX = 'fq.groups.';
const VERSION = 1;
/** Messages kept per group on the device; older ones are fetched again when scrolled to. */
const KEEP_PER_GROUP = 200;

/** An empty cache: every group syncs from 0. */
export function emptyGroupCache(): GroupCache {
  return { groups: [], logs: {}, changes: {} };
}

/** The person's cache, or an empty one if there is none or it cannot be read. */
export function loadGroupCache(userId: string): GroupCache {
  try {
    const raw = localStorage.getItem(PREFIX + userId);
    if (!raw) return emptyGroupCache();
    const parsed = JSON.parse(raw) as Partial<GroupCache> & { v?: number };
    if (
      parsed.v !== VERSION ||
      !Array.isArray(parsed.groups) ||
      typeof parsed.logs !== 'object' ||
      parsed.logs === null
    )
      return emptyGroupCache();
    // A cache from before change cursors has none: its groups fetch every edit of what they hold once.
    const changes = typeof parsed.changes === 'object' && parsed.changes !== null ? parsed.changes : {};
    return { groups: parsed.groups, logs: parsed.logs, changes };
  } catch {
    return emptyGroupCache();
  }
}

/** Stores the groups and the newest messages of each. */
export function saveGroupCache(userId: string, cache: GroupCache): void {
  const logs = Object.fromEntries(Object.entries(cache.logs).map(([id, log]) => [id, tail(log, KEEP_PER_GROUP)]));
  try {
    const stored = { v: VERSION, groups: cache.groups, logs, changes: cache.changes };
    localStorage.setItem(PREFIX + userId, JSON.stringify(stored));
  } catch {
    // Storage full or blocked: the next visit syncs from further back; the hub has everything.
  }
}

/** Removes the person's chats from this device (sign-out: phones are shared). */
export function clearGroupCache(userId: string): void {
  try {
    localStorage.removeItem(PREFIX + userId);
  } catch {
    // Nothing stored, or storage blocked.
  }
}
