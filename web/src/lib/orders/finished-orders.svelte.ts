import { SvelteMap } from 'svelte/reactivity';
import type { BoardView, OrderSearchPayload, OrderView } from '@fengqiao/hub/protocol';
import type { FailureCode } from '../api/error-message.ts';
import { connection } from '../realtime/index.ts';

/** The search form's fields; empty ones are left out of the query. */
export interface FinishedFilter {
  text: string;
  incident: string;
  person: string;
  /** Local dates `YYYY-MM-DD`, inclusive. */
  from: string;
  to: string;
}

export const EMPTY_FILTER: FinishedFilter = { text: '', incident: '', person: '', from: '', to: '' };

const DAY_MS = 86_400_000;
/** A local date's first instant, in the browser's time zone (the dispatcher's day). */
const dayStart = (date: string) => new Date(`${date}T00:00:00`).getTime();

/** The `order:search` payload of a filter: trimmed terms, dates as [from 00:00, the day after `to`). */
export function searchPayload(f: FinishedFilter): OrderSearchPayload {
  const p: OrderSearchPayload = { state: 'finished' };
  if (f.text.trim()) p.text = f.text.trim();
  if (f.incident.trim()) p.incident = f.incident.trim();
  if (f.person.trim()) p.person = f.person.trim();
  if (f.from) p.from = dayStart(f.from);
  if (f.to) p.to = dayStart(f.to) + DAY_MS;
  return p;
}

/**
 * The dispatcher's finished orders (已完成): read-only, found with `order:search` a page at a
 * time. Orders that finish while the board is open arrive at the top when no filter is set.
 */
class FinishedOrders {
  #orders = $state<OrderView[]>([]);
  #boards = new SvelteMap<string, BoardView>();
  #filter = $state<FinishedFilter>({ ...EMPTY_FILTER });
  #more = $state(false);
  #loading = $state(false);
  #loaded = $state(false);
  #failed = $state<FailureCode | null>(null);
  /** Bumped by every new search, so an older search's late answer is dropped. */
  #generation = 0;

  get orders(): OrderView[] {
    return this.#orders;
  }
  get more(): boolean {
    return this.#more;
  }
  get loading(): boolean {
    return this.#loading;
  }
  get loaded(): boolean {
    return this.#loaded;
  }
  get failed(): FailureCode | null {
    return this.#failed;
  }
  get filter(): FinishedFilter {
    return this.#filter;
  }
  board(orderId: string): BoardView | undefined {
    return this.#boards.get(orderId);
  }

  /** A new search from the first page. */
  search(filter: FinishedFilter): Promise<void> {
    this.#filter = { ...filter };
    this.#orders = [];
    this.#boards.clear();
    return this.#page(undefined);
  }

  /** The next page of the current search. */
  loadMore(): Promise<void> {
    return this.#page(this.#orders.at(-1)?.id);
  }

  /** An order finished on the live board: listed first, if the list is unfiltered and loaded. */
  arrived(order: OrderView, board: BoardView): void {
    this.#boards.set(order.id, board);
    const unfiltered = Object.values(this.#filter).every((v) => v === '');
    if (!this.#loaded || !unfiltered || this.#orders.some((o) => o.id === order.id)) return;
    this.#orders = [order, ...this.#orders];
  }

  async #page(before: string | undefined): Promise<void> {
    const generation = ++this.#generation;
    this.#loading = true;
    const res = await connection.emit('order:search', {
      ...searchPayload(this.#filter),
      ...(before ? { before } : {}),
    });
    if (generation !== this.#generation) return;
    this.#loading = false;
    if (!res.ok) {
      this.#failed = res.error.code;
      return;
    }
    this.#failed = null;
    this.#loaded = true;
    this.#more = res.more;
    for (const { order, board } of res.orders) this.#boards.set(order.id, board);
    const known = new Set(this.#orders.map((o) => o.id));
    this.#orders = [...this.#orders, ...res.orders.map((x) => x.order).filter((o) => !known.has(o.id))];
  }
}

/** The dispatcher's finished orders. */
export const finishedOrders = new FinishedOrders();
