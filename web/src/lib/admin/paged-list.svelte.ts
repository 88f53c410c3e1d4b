import type { ApiOutcome } from '../api/request.ts';
import { adminFailureKey } from './admin-errors.ts';
import type { MessageKey } from '../i18n/index.ts';

/** One page of a cursor-paged list: its items and the cursor of the next page (null at the end). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * A list the hub serves in pages (people, residents, audit entries) under a filter: `reload`
 * starts again from the first page, `more` appends the next. An answer to an older filter that
 * arrives late is dropped, so typing fast never shows the wrong rows.
 */
export class PagedList<T, F> {
  items = $state<T[] | null>(null);
  nextCursor = $state<string | null>(null);
  loading = $state(false);
  problem = $state<MessageKey | null>(null);

  #fetch: (filter: F, cursor?: string) => Promise<ApiOutcome<Page<T>>>;
  #filter: F | null = null;
  #generation = 0;

  constructor(fetchPage: (filter: F, cursor?: string) => Promise<ApiOutcome<Page<T>>>) {
    this.#fetch = fetchPage;
  }

  /** Loads the first page for `filter` (or the present filter again). */
  async reload(filter: F | null = this.#filter): Promise<void> {
    if (filter === null) return;
    this.#filter = filter;
    const generation = ++this.#generation;
    this.loading = true;
    const outcome = await this.#fetch(filter);
    if (generation !== this.#generation) return;
    this.loading = false;
    if (!outcome.ok) {
      this.problem = adminFailureKey(outcome);
      return;
    }
    this.problem = null;
    this.items = outcome.body.items;
    this.nextCursor = outcome.body.nextCursor;
  }

  /** Appends the next page. */
  async more(): Promise<void> {
    if (this.#filter === null || this.nextCursor === null || this.loading) return;
    const generation = this.#generation;
    this.loading = true;
    const outcome = await this.#fetch(this.#filter, this.nextCursor);
    if (generation !== this.#generation) return;
    this.loading = false;
    if (!outcome.ok) {
      this.problem = adminFailureKey(outcome);
      return;
    }
    this.items = [...(this.items ?? []), ...outcome.body.items];
    this.nextCursor = outcome.body.nextCursor;
  }

  /** Puts a changed item in place (after an edit), keeping the list's order. */
  replace(match: (item: T) => boolean, item: T): void {
    if (this.items) this.items = this.items.map((i) => (match(i) ? item : i));
  }

  /** Takes an item out (approved from the pending queue, removed). */
  remove(match: (item: T) => boolean): void {
    if (this.items) this.items = this.items.filter((i) => !match(i));
  }
}

/** Adapts a list answer (`{ people, nextCursor }`…) to a page. */
export async function asPage<T, K extends string>(
  request: Promise<ApiOutcome<{ ok: true; nextCursor: string | null } & Record<K, T[]>>>,
  key: K,
): Promise<ApiOutcome<Page<T>>> {
  const outcome = await request;
  if (!outcome.ok) return outcome;
  return { ...outcome, body: { items: outcome.body[key], nextCursor: outcome.body.nextCursor } };
}
