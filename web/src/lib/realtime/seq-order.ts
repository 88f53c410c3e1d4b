/**
 * Presents live messages by seq, not by arrival. Across hub nodes a later seq can arrive before an
 * earlier one (each node announces its own writes); syncing at once on every such skip would cost a
 * round trip per reordering. Instead a seq past the next expected one is held back for a short
 * while: if the missing ones arrive, all are released in order; if not, the conversation is
 * reported as expired and the caller syncs it (the hub's answer brings everything, held or not).
 * Plain logic with the time passed in, so it is tested without timers.
 */
export class SeqOrder<T extends { seq: number }> {
  readonly #holdMs: number;
  /** Per conversation, the messages held back by seq, and since when the oldest gap waits. */
  readonly #held = new Map<string, { bySeq: Map<number, T>; since: number }>();
  /** Held messages per conversation at most: a burst past this syncs instead of waiting. */
  readonly #maxHeld: number;

  constructor(opts: { holdMs: number; maxHeld?: number }) {
    this.#holdMs = opts.holdMs;
    this.#maxHeld = opts.maxHeld ?? 200;
  }

  /**
   * Takes live messages of one conversation whose last presented seq is `last`. Returns the run to
   * present now, in seq order and gap-free from `last + 1` (seqs already presented are dropped);
   * later seqs are held. `expired` is true when the held ones overflowed (they are dropped): sync at once.
   */
  offer(key: string, last: number, incoming: readonly T[], now: number): { ready: T[]; expired: boolean } {
    const entry = this.#held.get(key) ?? { bySeq: new Map<number, T>(), since: now };
    for (const m of incoming) if (m.seq > last) entry.bySeq.set(m.seq, m);
    const ready: T[] = [];
    for (let next = last + 1; entry.bySeq.has(next); next++) {
      ready.push(entry.bySeq.get(next)!);
      entry.bySeq.delete(next);
    }
    for (const seq of entry.bySeq.keys()) if (seq <= last) entry.bySeq.delete(seq);
    if (entry.bySeq.size === 0) {
      this.#held.delete(key);
      return { ready, expired: false };
    }
    if (entry.bySeq.size > this.#maxHeld) {
      this.#held.delete(key);
      return { ready, expired: true };
    }
    // A released run closes the gap that was waited on; whatever is still held waits afresh.
    if (ready.length > 0) entry.since = now;
    this.#held.set(key, entry);
    return { ready, expired: false };
  }

  /** Conversations whose gap has waited `holdMs` or longer; their held messages are dropped (sync brings them). */
  expired(now: number): string[] {
    const out: string[] = [];
    for (const [key, entry] of this.#held) {
      if (now - entry.since >= this.#holdMs) {
        out.push(key);
        this.#held.delete(key);
      }
    }
    return out;
  }

  /** When the next gap expires (to set one timer), or null when nothing is held. */
  nextDeadline(): number | null {
    let first: number | null = null;
    for (const entry of this.#held.values()) if (first === null || entry.since < first) first = entry.since;
    return first === null ? null : first + this.#holdMs;
  }

  /** True when a seq past a gap is held for the conversation. */
  holds(key: string): boolean {
    return this.#held.has(key);
  }

  /** Forgets a conversation's held messages (it is being synced) or all of them. */
  clear(key?: string): void {
    if (key === undefined) this.#held.clear();
    else this.#held.delete(key);
  }
}
