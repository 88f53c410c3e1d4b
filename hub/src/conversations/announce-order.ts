/**
 * Announces each conversation's messages on this node in seq order. Seqs are taken under the
 * conversation row's lock, so transactions commit in seq order, but the commit answers can reach
 * the hub out of order: PostgreSQL releases the row lock before it answers COMMIT, and a busy
 * backend may answer the earlier transaction after the later one has already committed. A seq
 * is claimed inside its transaction (before COMMIT, so before any later seq can exist); a later
 * message waits for every earlier claim on this node to be announced or rolled back.
 * Across nodes nothing is promised: clients present by seq (DESIGN.md, Delivery).
 */
export function createAnnounceOrder() {
  /** Per conversation: claimed seqs, each with its announcement once committed (null while in flight). */
  const claims = new Map<string, Map<number, (() => void) | null>>();

  /** Runs the committed announcements up to the first seq still in flight. */
  function flush(groupId: string): void {
    const held = claims.get(groupId);
    if (!held) return;
    for (const seq of [...held.keys()].sort((a, b) => a - b)) {
      const announce = held.get(seq);
      if (!announce) break;
      held.delete(seq);
      announce();
    }
    if (held.size === 0) claims.delete(groupId);
  }

  return {
    /** Inside the transaction, once the seq is taken. */
    claim(groupId: string, seq: number): void {
      let held = claims.get(groupId);
      if (!held) claims.set(groupId, (held = new Map()));
      held.set(seq, null);
    },

    /** The transaction rolled back: its seq will be taken again, and nobody waits for it. */
    release(groupId: string, seq: number): void {
      claims.get(groupId)?.delete(seq);
      flush(groupId);
    },

    /** Committed: `announce` runs once every earlier claim here is announced or released. */
    committed(groupId: string, seq: number, announce: () => void | Promise<void>): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        const held = claims.get(groupId);
        // Called synchronously, so announcements that emit at once leave in the order they run.
        const run = () => {
          try {
            Promise.resolve(announce()).then(resolve, reject);
          } catch (err) {
            reject(err as Error);
          }
        };
        if (!held?.has(seq)) return run();
        held.set(seq, run);
        flush(groupId);
      });
    },
  };
}

export type AnnounceOrder = ReturnType<typeof createAnnounceOrder>;
