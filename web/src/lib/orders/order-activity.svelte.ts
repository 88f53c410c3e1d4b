import type { OrderActivityEntry } from '@fengqiao/hub/protocol';
import type { FailureCode } from '../api/error-message.ts';
import { connection } from '../realtime/index.ts';

/** Entries the feed keeps in memory: a busy morning's worth. */
const KEEP = 300;
/** Entries a page reads (the hub allows up to MAX_ACTIVITY_PAGE). */
const PAGE = 30;
/** Pages a catch-up reads at most to reach what the feed already holds; past that it starts afresh. */
const CATCH_UP_PAGES = 5;

/**
 * The command room's activity feed (动态): who acknowledged, reported, completed or handed back
 * which order, newest first. Live pushes (`order:activity-logged`) merge by id; after every
 * (re)connect the newest page is read again, so what happened while offline is caught up.
 * Counts what arrived while the feed was not on screen.
 */
class OrderActivityFeed {
  #entries = $state<OrderActivityEntry[]>([]);
  #more = $state(false);
  #loading = $state(false);
  #failed = $state<FailureCode | null>(null);
  #unseen = $state(0);
  #viewing = false;
  #stops: (() => void)[] = [];

  get entries(): OrderActivityEntry[] {
    return this.#entries;
  }
  get more(): boolean {
    return this.#more;
  }
  get loading(): boolean {
    return this.#loading;
  }
  get failed(): FailureCode | null {
    return this.#failed;
  }
  /** New entries since the feed was last on screen. */
  get unseen(): number {
    return this.#unseen;
  }

  start(): void {
    if (this.#stops.length) return;
    this.#stops = [
      connection.on('order:activity-logged', ({ entries }) => this.#merge(entries, true)),
      connection.onConnected(() => void this.#catchUp()),
    ];
  }

  stop(): void {
    for (const stop of this.#stops) stop();
    this.#stops = [];
  }

  /** Whether the feed is on screen: while it is, nothing counts as unseen. */
  set viewing(on: boolean) {
    this.#viewing = on;
    if (on) this.#unseen = 0;
  }

  /** The page before the oldest entry shown. */
  async loadOlder(): Promise<void> {
    const before = this.#entries.at(-1)?.id;
    if (!before) return;
    this.#loading = true;
    const res = await connection.emit('order:activity', { before, limit: PAGE });
    this.#loading = false;
    if (!res.ok) {
      this.#failed = res.error.code;
      return;
    }
    this.#failed = null;
    this.#more = res.more;
    this.#merge(res.entries, false);
  }

  /**
   * After a (re)connect: the newest pages until they reach the newest entry already held, so the
   * feed has no hole where the connection was down. A gap too long to close is not papered over:
   * the feed then holds only what was read, and older pages are read on request.
   */
  async #catchUp(): Promise<void> {
    const held = this.#entries[0]?.id;
    const read: OrderActivityEntry[] = [];
    let more = false;
    this.#loading = true;
    for (let i = 0; i < CATCH_UP_PAGES; i++) {
      const before = read.at(-1)?.id;
      const res = await connection.emit('order:activity', before ? { before, limit: PAGE } : { limit: PAGE });
      if (!res.ok) {
        this.#loading = false;
        this.#failed = res.error.code;
        return;
      }
      read.push(...res.entries);
      more = res.more;
      if (!more || held === undefined || read.at(-1)!.id <= held) break;
    }
    this.#loading = false;
    this.#failed = null;
    const closed = held === undefined || !more || read.at(-1)!.id <= held;
    if (closed) {
      if (held === undefined) this.#more = more;
      // What happened while away is news; the first page on opening the board is not.
      this.#merge(read, held !== undefined);
    } else {
      this.#entries = read;
      this.#more = true;
    }
  }

  #merge(entries: OrderActivityEntry[], live: boolean): void {
    const known = new Set(this.#entries.map((e) => e.id));
    const fresh = entries.filter((e) => !known.has(e.id));
    if (fresh.length === 0) return;
    const newest = this.#entries[0]?.id ?? '';
    if (live && !this.#viewing) this.#unseen += fresh.filter((e) => e.id > newest).length;
    this.#entries = [...this.#entries, ...fresh].sort((a, b) => (a.id < b.id ? 1 : -1)).slice(0, KEEP);
    // Kept fewer than there are: older pages are still to be had.
    if (this.#entries.length === KEEP) this.#more = true;
  }
}

/** The command room's feed. */
export const orderActivity = new OrderActivityFeed();
