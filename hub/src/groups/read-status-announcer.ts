import type { Kysely } from 'kysely';
import { latestUnreadCountsQuery } from '../conversations/read-status-queries.ts';
import type { Logger } from '../logger.ts';
import type { HubServer } from '../realtime/types.ts';
import type { Database } from '../store/schema.ts';

/** Staff sockets watching a group (its chat open, `group:watch`): the only ones told its read counts. */
export const READS_ROOM_PREFIX = 'group-reads:';
export const readsRoom = (groupId: string) => `${READS_ROOM_PREFIX}${groupId}`;

/** How long cursor moves gather before a group's watchers hear the new counts once. */
const FLUSH_MS = 1_000;
/** The live window: counts of staff messages among a group's latest this many seqs. */
const LIVE_SPAN = 50;
/** Groups counted per flush; the rest wait for the next one (a busy hub does bounded work a second). */
const GROUPS_PER_FLUSH = 100;

/**
 * Keeps "3人未读" on the screens of staff with the chat open following the readers: when members'
 * read cursors move (a read, a send), the group is marked; once a second this node tells the other
 * nodes which groups it marked (one `group:reads-moved`), and every node counts, in one statement
 * each, only the groups marked here or there that one of ITS OWN sockets watches, and tells those
 * sockets `group:reads-changed`. A group whose chat nobody has open costs no statement at all; a
 * watched one costs one per node with a watcher, and one event per group a second however many
 * people read. Older messages outside the live window are counted when a client opens the chat
 * (`group:read-counts`). Best effort: a failed count is logged and the next move counts again.
 */
export function createReadStatusAnnouncer(deps: {
  io: HubServer;
  db: Kysely<Database>;
  log: Logger;
  /** Other nodes share the fan-out (the Redis adapter): they hear of this node's moves. */
  crossNode: boolean;
  flushMs?: number;
}) {
  const { io, crossNode } = deps;
  const flushMs = deps.flushMs ?? FLUSH_MS;
  /** Moved on this node since the last flush: the other nodes are told of these. */
  let movedHere = new Set<string>();
  /** Moved here or on another node: counted where watched here. */
  let toCount = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const latestUnreadCounts = latestUnreadCountsQuery(deps.db);

  const schedule = () => {
    if (timer || stopped) return;
    timer = setTimeout(() => void flush(), flushMs);
    timer.unref();
  };
  const mark = (groupIds: Iterable<string>) => {
    for (const g of groupIds) toCount.add(g);
    schedule();
  };
  // The in-memory adapter has no other node (its serverSideEmit only warns): alone, nothing to send or hear.
  if (crossNode) io.on('group:reads-moved', mark);

  /** Takes up to GROUPS_PER_FLUSH marked groups that a socket of this node watches; the unwatched are dropped. */
  const watchedHere = (): string[] => {
    const rooms = io.of('/').adapter.rooms;
    const batch: string[] = [];
    for (const g of toCount) {
      if (batch.length === GROUPS_PER_FLUSH) break;
      toCount.delete(g);
      if (rooms.has(readsRoom(g))) batch.push(g);
    }
    return batch;
  };

  async function flush(): Promise<void> {
    if (crossNode && movedHere.size > 0) io.serverSideEmit('group:reads-moved', [...movedHere]);
    movedHere = new Set();
    for (const groupId of watchedHere()) {
      if (stopped) return;
      try {
        const window = await latestUnreadCounts(groupId, LIVE_SPAN);
        io.local.to(readsRoom(groupId)).emit('group:reads-changed', { groupId, ...window });
      } catch (err) {
        deps.log.warn({ err, groupId }, 'read counts not announced');
      }
    }
    // The timer is cleared only now: a flush never overlaps the next one.
    timer = undefined;
    if (toCount.size > 0 || movedHere.size > 0) schedule();
  }

  return {
    /** Members' read cursors moved in this group (a read, a message sent) on this node. */
    moved(groupId: string): void {
      movedHere.add(groupId);
      mark([groupId]);
    },
    /** Announces nothing more (the hub is stopping). */
    stop(): void {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      movedHere = new Set();
      toCount = new Set();
    },
  };
}
export type ReadStatusAnnouncer = ReturnType<typeof createReadStatusAnnouncer>;
