import { SvelteMap } from 'svelte/reactivity';
import {
  isOrderFinished,
  type BoardView,
  type CreateOrderPayload,
  type OrderAmendPayload,
  type OrderView,
} from '@fengqiao/hub/protocol';
import type { FailureCode } from '../api/error-message.ts';
import { newClientId } from '../realtime/client-id.ts';
import { connection, type CommandAck, type CommandResult } from '../realtime/index.ts';
import { outbox, type OutboxSettlement } from '../realtime/outbox.svelte.ts';
import { finishedOrders } from './finished-orders.svelte.ts';
import { fetchIssuedOrders } from './orders.client.ts';

/** Most boards the hub lets one socket watch at once. */
const MAX_WATCHED = 200;

/**
 * The dispatcher's live board (指挥台): the active orders of their scope with closed-loop counts.
 * An order that finishes (everyone done, or cancelled) leaves it for the finished list, read-only.
 * It loads the list over REST, watches the boards with `order:watch` (again after every reconnect,
 * since a new socket watches nothing), applies the hub's coalesced `order:board` pushes and adds
 * the new orders colleagues send into the scope (`order:issued`). Sends go
 * through the outbox, so an order written while offline goes out once the connection is back.
 */
class CommandBoard {
  #orders = $state<OrderView[]>([]);
  #boards = new SvelteMap<string, BoardView>();
  #loading = $state(false);
  #loadFailed = $state<FailureCode | null>(null);
  #loaded = $state(false);
  #running = false;
  #stops: (() => void)[] = [];
  /** Orders that arrived live while a list fetch was under way: the fetch may have been read before them. */
  #arrivedDuringLoad: Map<string, OrderView> | null = null;

  /** Active orders, newest first. */
  get orders(): OrderView[] {
    return this.#orders;
  }
  /** True while the list is being fetched. */
  get loading(): boolean {
    return this.#loading;
  }
  /** True once the list has been fetched. */
  get loaded(): boolean {
    return this.#loaded;
  }
  /** Why the last fetch failed, if it did. */
  get loadFailed(): FailureCode | null {
    return this.#loadFailed;
  }

  /** The latest counts of an order. */
  board(orderId: string): BoardView | undefined {
    return this.#boards.get(orderId);
  }

  /** Opens the board: fetch, watch, and refetch after every reconnect. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#stops = [
      connection.on('order:board', (b) => {
        const order = this.#orders.find((o) => o.id === b.orderId);
        if (!order) return;
        this.#boards.set(b.orderId, b);
        if (isOrderFinished(order.status, b.counts)) this.#finish(order, b);
      }),
      connection.on('order:issued', ({ order, board }) => this.#issued(order, board)),
      connection.onConnected(() => void this.load()),
      outbox.onSettled((s) => this.#settled(s)),
    ];
    if (connection.state !== 'connected') void this.load();
  }

  /** Leaves the board and stops watching. */
  stop(): void {
    if (!this.#running) return;
    this.#running = false;
    for (const stop of this.#stops) stop();
    this.#stops = [];
    void connection.emit('order:watch', { orderIds: [] });
  }

  /** Fetches the active orders and watches their boards. */
  async load(): Promise<void> {
    this.#loading = true;
    const arrived = (this.#arrivedDuringLoad = new Map());
    const res = await fetchIssuedOrders('active');
    this.#loading = false;
    if (this.#arrivedDuringLoad === arrived) this.#arrivedDuringLoad = null;
    if (!res.ok) {
      this.#loadFailed = res.code;
      return;
    }
    this.#loadFailed = null;
    this.#loaded = true;
    const fetched = res.body.orders.map((o) => o.order);
    const missed = [...arrived.values()].filter((o) => !fetched.some((f) => f.id === o.id));
    this.#orders = [...missed.reverse(), ...fetched];
    for (const { order, board } of res.body.orders) this.#boards.set(order.id, board);
    await this.#watch();
  }

  /** Sends a new order (queued in the outbox until the hub answers). */
  send(payload: CreateOrderPayload): Promise<CommandAck<'order:create'>> {
    return outbox.send({ event: 'order:create', payload });
  }

  /** 催办: all who have not finished, or only the named people. */
  chase(orderId: string, userIds?: string[]): Promise<CommandResult<'order:chase'>> {
    return connection.emit('order:chase', userIds ? { orderId, userIds } : { orderId });
  }

  /** 撤销 with a reason; the order leaves the board for the finished ones. */
  async cancel(orderId: string, reason: string): Promise<CommandResult<'order:cancel'>> {
    const res = await connection.emit('order:cancel', { orderId, reason });
    if (res.ok) this.#finish(res.order, this.#boards.get(orderId));
    return res;
  }

  /** 改派: a returned share goes to someone else; the board answers as it now stands. */
  async reassign(orderId: string, fromUserId: string, toUserId: string): Promise<CommandResult<'order:reassign'>> {
    const res = await connection.emit('order:reassign', { orderId, clientId: newClientId(), fromUserId, toUserId });
    if (res.ok) this.#boards.set(orderId, res.board);
    return res;
  }

  /** The order is finished: off the active board, onto the finished list. */
  #finish(order: OrderView, board: BoardView | undefined): void {
    this.#orders = this.#orders.filter((o) => o.id !== order.id);
    this.#boards.delete(order.id);
    if (board) finishedOrders.arrived(order, board);
    void this.#watch();
  }

  /** 修改 the text or deadlines of an order. */
  async amend(payload: OrderAmendPayload): Promise<CommandResult<'order:amend'>> {
    const res = await connection.emit('order:amend', payload);
    if (res.ok) this.#put(res.order);
    return res;
  }

  #put(order: OrderView): void {
    this.#arrivedDuringLoad?.set(order.id, order);
    const i = this.#orders.findIndex((o) => o.id === order.id);
    if (i >= 0) this.#orders[i] = order;
    else this.#orders = [order, ...this.#orders];
  }

  async #watch(): Promise<void> {
    if (!this.#running) return;
    const res = await connection.emit('order:watch', { orderIds: this.#orders.slice(0, MAX_WATCHED).map((o) => o.id) });
    if (res.ok) for (const b of res.boards) this.#boards.set(b.orderId, b);
  }

  /** A new order in the scope (this dispatcher's or a colleague's): on the board at once, and watched. */
  #issued(order: OrderView, board: BoardView): void {
    if (!this.#running || order.status !== 'active') return;
    const known = this.#orders.some((o) => o.id === order.id);
    this.#put(order);
    if (!this.#boards.has(order.id)) this.#boards.set(order.id, board);
    if (!known) void this.#watch();
  }

  #settled(settled: OutboxSettlement): void {
    if (settled.event !== 'order:create' || !this.#running) return;
    const { result } = settled;
    if (!result.ok) return;
    if (result.order.status !== 'active') return;
    const known = this.#orders.some((o) => o.id === result.order.id);
    this.#put(result.order);
    if (!known) void this.#watch();
  }
}

/** The dispatcher's board. */
export const commandBoard = new CommandBoard();
