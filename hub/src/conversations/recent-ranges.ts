import type { MessageView } from '../protocol/index.ts';

/** One conversation's messages with seq in (after, upTo], as of its change counter `changeSeq`. */
export interface MessageRange {
  groupId: string;
  changeSeq: number;
  after: number;
  upTo: number;
}

/** How long a range read is shared, and how many messages all shared ranges hold at most. */
const RECENT_RANGES = { ttlMs: 5000, maxMessages: 20_000, maxPerRange: 200 };

/**
 * The message ranges catch-ups read lately, handed to the next catch-ups that ask for the same
 * range: after a network blip a group's members reconnect together with the same cursor, and each
 * would read the same rows. Keyed by the conversation's change counter, which every catch-up reads
 * fresh and every recall or removal moves in the same transaction, so an edit always makes a new
 * key and never answers with a stale status. What else can change how a stored message looks (the
 * sender renamed, an image deleted by retention) may show for up to `ttlMs`, as if that catch-up
 * had run that much earlier. Bounded: a range over `maxPerRange` messages is not kept, and the
 * oldest ranges go once all hold more than `maxMessages`.
 */
export function createRecentRanges(opts: Partial<typeof RECENT_RANGES> & { now?: () => number } = {}) {
  const { ttlMs, maxMessages, maxPerRange } = { ...RECENT_RANGES, ...opts };
  const now = opts.now ?? Date.now;
  // Insertion order is age order: a key is set once per expiry, so the first entry is the oldest.
  const ranges = new Map<string, { views: MessageView[]; until: number }>();
  let held = 0;

  const keyOf = (r: MessageRange) => `${r.groupId}\u0000${r.changeSeq}\u0000${r.after}\u0000${r.upTo}`;
  const drop = (key: string, views: MessageView[]) => {
    ranges.delete(key);
    held -= views.length;
  };

  return {
    /** The range's messages in seq order, when a catch-up read them less than `ttlMs` ago. */
    get(range: MessageRange): MessageView[] | undefined {
      const key = keyOf(range);
      const hit = ranges.get(key);
      if (!hit) return undefined;
      if (hit.until > now()) return hit.views;
      drop(key, hit.views);
      return undefined;
    },

    /** Keeps what a catch-up just read for the range (its messages in seq order). */
    set(range: MessageRange, views: MessageView[]): void {
      if (views.length > maxPerRange) return;
      const key = keyOf(range);
      const old = ranges.get(key);
      if (old) drop(key, old.views);
      ranges.set(key, { views, until: now() + ttlMs });
      held += views.length;
      for (const [k, v] of ranges) {
        if (held <= maxMessages && v.until > now()) break;
        drop(k, v.views);
      }
    },

    /** How many ranges and messages are held (the tests read it). */
    size: () => ({ ranges: ranges.size, messages: held }),
  };
}
export type RecentRanges = ReturnType<typeof createRecentRanges>;
