import { SvelteMap } from 'svelte/reactivity';
import { MAX_READ_COUNT_SPAN, type GroupReadCounts } from '@fengqiao/hub/protocol';
import { connection, type CommandResult } from '../realtime/index.ts';

/**
 * Read status of staff messages in the open chat (staff only: the hub refuses residents): per
 * message, how many members have not read it ("3人未读" / "全部已读"). `watch` asks for the counts
 * of the newest held messages on opening and on every reconnect (`group:read-counts`, one bounded
 * query) and takes in the hub's `group:reads-changed`, which carries the counts of the group's
 * latest staff messages about once a second while members read. Who exactly is asked on a tap.
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
      // Also runs at once when already connected.
      connection.onConnected(() => void ask()),
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
