import { SvelteMap } from 'svelte/reactivity';
import { MAX_READ_COUNT_SPAN, type GroupReadCounts } from '@fengqiao/hub/protocol';
import { connection, type CommandResult } from '../realtime/index.ts';
import { groupWatch } from './group-watch.ts';

/**
 * Read status of staff messages in the open chat (staff only: the hub refuses residents): per
 * message, how many members have not read it ("3人未读" / "全部已读"). `watch` follows the open
 * chat on the hub (`group:watch`, see group-watch.ts), which from then on sends this connection
 * `group:reads-changed` with the counts of the group's latest staff messages about once a second
 * while members read; once that watch is in place (on opening and after every reconnect) it asks
 * for the counts of the newest held messages (`group:read-counts`, one bounded query). Who exactly
 * is asked on a tap.
 */
class ReadStatus {
  /** Per group, unread counts by seq; a seq without one carries no read status. */
  #counts = new SvelteMap<string, SvelteMap<number, number>>();

  /** How many have not read the message at `seq`, or undefined when it has no read status (yet). */
  unread(groupId: string, seq: number): number | undefined {
    return this.#counts.get(groupId)?.get(seq);
  }

  /** Who has and has not read one message, or the pinned notice (the sheet behind "3人未读"). */
  readers(
    groupId: string,
    of: ReadersOf,
  ): Promise<CommandResult<'group:readers'> | CommandResult<'group:notice-readers'>> {
    return of === 'notice'
      ? connection.emit('group:notice-readers', { groupId })
      : connection.emit('group:readers', { groupId, seq: of });
  }

  /**
   * Follows a group's counts while its chat is open: `lastSeq` says up to where messages are
   * held. Returns the stop.
   */
  watch(groupId: string, lastSeq: () => number): () => void {
    const ask = async () => {
      const toSeq = lastSeq();
      if (toSeq < 1) return;
      const fromSeq = Math.max(1, toSeq - MAX_READ_COUNT_SPAN + 1);
      const res = await connection.emit('group:read-counts', { groupId, fromSeq, toSeq });
      if (res.ok) this.#merge(res);
    };
    const stops = [
      connection.on('group:reads-changed', (c) => {
        if (c.groupId === groupId) this.#merge(c);
      }),
      // Asked once the hub sends this connection the changes: none between the answer and the watch is missed.
      groupWatch.follow(groupId, () => void ask()),
    ];
    return () => {
      for (const stop of stops) stop();
      this.#counts.delete(groupId);
    };
  }

  /** The answer covers [fromSeq, toSeq]: its counts replace what was held there. */
  #merge(c: GroupReadCounts): void {
    const next = new SvelteMap(this.#counts.get(c.groupId) ?? []);
    for (const seq of next.keys()) if (seq >= c.fromSeq && seq <= c.toSeq) next.delete(seq);
    for (const { seq, unread } of c.counts) next.set(seq, unread);
    this.#counts.set(c.groupId, next);
  }
}

/** What a read list is of: a staff message (its seq) or the group's pinned notice. */
export type ReadersOf = number | 'notice';

/** Read counts of the open chats (staff). */
export const readStatus = new ReadStatus();
