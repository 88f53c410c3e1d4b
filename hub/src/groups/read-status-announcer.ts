import type { Kysely } from 'kysely';
import { latestUnreadCounts } from '../conversations/read-status-queries.ts';
import type { Logger } from '../logger.ts';
import type { HubServer } from '../realtime/types.ts';
import type { Database } from '../store/schema.ts';
import { groupStaffRoom } from './group-notifier.ts';

/** How long cursor moves gather before a group's staff hear the new counts once. */
const FLUSH_MS = 1_000;
/** The live window: counts of staff messages among a group's latest this many seqs. */
const LIVE_SPAN = 50;
/** Groups counted per flush; the rest wait for the next one (a busy hub does bounded work a second). */
const GROUPS_PER_FLUSH = 100;

/**
 * Keeps "3人未读" on staff screens following the readers: when members' read cursors move (a read,
 * a send), the group is marked; once a second each marked group is counted in one statement and
 * its staff room hears `group:reads-changed` with the counts of its latest staff messages, on
 * every node. One event per group a second, however many people read, never one per read. Older
 * messages outside the live window are counted again when a client opens the chat
 * (`group:read-counts`). Best effort: a failed count is logged and the next move counts again.
 */
export function createReadStatusAnnouncer(deps: {
  io: HubServer;
  db: Kysely<Database>;
  log: Logger;
  flushMs?: number;
}) {
  const flushMs = deps.flushMs ?? FLUSH_MS;
  let marked = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const schedule = () => {
    if (timer || stopped) return;
    timer = setTimeout(() => void flush(), flushMs);
    timer.unref();
  };

  async function flush(): Promise<void> {
    const batch = [...marked].slice(0, GROUPS_PER_FLUSH);
    for (const g of batch) marked.delete(g);
    for (const groupId of batch) {
      if (stopped) return;
      try {
        const window = await latestUnreadCounts(deps.db, groupId, LIVE_SPAN);
        deps.io.to(groupStaffRoom(groupId)).emit('group:reads-changed', { groupId, ...window });
      } catch (err) {
        deps.log.warn({ err, groupId }, 'read counts not announced');
      }
    }
    // The timer is cleared only now: a flush never overlaps the next one.
    timer = undefined;
    if (marked.size > 0) schedule();
  }

  return {
    /** Members' read cursors moved in this group (a read, a message sent). */
    moved(groupId: string): void {
      marked.add(groupId);
      schedule();
    },
    /** Announces nothing more (the hub is stopping). */
    stop(): void {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      marked = new Set();
    },
  };
}
export type ReadStatusAnnouncer = ReturnType<typeof createReadStatusAnnouncer>;
