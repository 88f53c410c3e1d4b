import type { OrderActivityEntry } from '@fengqiao/hub/protocol';
import type { FailureCode } from '../api/error-message.ts';
import { connection } from '../realtime/index.ts';

/** Entries the feed keeps in memory: a busy morning's worth. */
const KEEP = 300;
/** Entries a page reads (the hub allows up to MAX_ACTIVITY_PAGE). */
const PAGE = 30;

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
      connection.onConnected(() => void this.#page(undefined)),
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
  loadOlder(): Promise<void> {
    return this.#page(this.#entries.at(-1)?.id);
  }

  async #page(before: string | undefined): Promise<void> {
    this.#loading = true;
    const res = await connection.emit('order:activity', before ? { before, limit: PAGE } : { limit: PAGE });
    this.#loading = false;
    if (!res.ok) {
      this.#failed = res.error.code;
      return;
    }
    this.#failed = null;
    if (before || this.#entries.length === 0) this.#more = res.more;
    this.#merge(res.entries, false);
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
