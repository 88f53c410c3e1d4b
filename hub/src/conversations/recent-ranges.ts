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
 * The message ranges catch-ups read lately or are reading now, handed to the next catch-ups that
 * ask for the same range: after a network blip a group's members reconnect together with the same
 * cursor, and each would read the same rows (the members of one turn of the event loop get their
 * counters together, so they ask while the first read is still under way). Keyed by the
 * conversation's change counter, which every catch-up reads fresh and every recall or removal
 * moves in the same transaction, so an edit always makes a new key and never answers with a stale
 * status. What else can change how a stored message looks (the
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

  /** Keeps a finished read of the range (its messages in seq order). */
  const keep = (range: MessageRange, views: MessageView[]): void => {
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
  };
  const reads = new Map<string, Promise<MessageView[]>>();

  return {
    /** The range's messages in seq order: held (read less than `ttlMs` ago), or the read under way. */
    get(range: MessageRange): MessageView[] | Promise<MessageView[]> | undefined {
      const key = keyOf(range);
      const hit = ranges.get(key);
      if (hit && hit.until > now()) return hit.views;
      if (hit) drop(key, hit.views);
      return reads.get(key);
    },

    /** A catch-up's read of the range, under way: handed to those asking meanwhile, kept once read. */
    reading(range: MessageRange, read: Promise<MessageView[]>): void {
      const key = keyOf(range);
      reads.set(key, read);
      const done = () => reads.get(key) === read && reads.delete(key);
      read.then((views) => {
        done();
        keep(range, views);
      }, done);
    },

    /** How many ranges and messages are held (the tests read it). */
    size: () => ({ ranges: ranges.size, messages: held }),
  };
}
export type RecentRanges = ReturnType<typeof createRecentRanges>;
