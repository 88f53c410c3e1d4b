import { SvelteMap } from 'svelte/reactivity';
import { STATE_RANK, type AssignmentView, type MeView, type OrderView } from '@fengqiao/hub/protocol';
import { failureKey } from '../api/error-message.ts';
import { canReceive } from '../auth/roles.ts';
import { newClientId } from '../realtime/client-id.ts';
import { connection, type CommandAck } from '../realtime/index.ts';
import { outbox, type OutboxEntry, type OutboxSettlement } from '../realtime/outbox.svelte.ts';
import { clearCache, loadCache, saveCache } from './order-cache.ts';
import { orderAlerts } from './order-alerts.svelte.ts';
import {
  advance,
  INBOX_TABS,
  isOpen,
  mergeAssignment,
  newerOrder,
  priorityWeight,
  tabOf,
  type InboxTab,
} from './order-states.ts';
import { ReceiptQueue, type ReceiptState } from './receipt-queue.ts';

/** What a recipient can do with text: report progress (进展), complete with feedback (办结), hand back (退回). */
export type TextAction = 'note' | 'complete' | 'return';

const SAVE_DELAY_MS = 300;

/** Open ones by urgency (flash first, then the nearest acknowledgement deadline); the rest newest first. */
function inboxOrder(a: AssignmentView, b: AssignmentView): number {
  const openA = isOpen(a);
  if (openA !== isOpen(b)) return openA ? -1 : 1;
  if (openA && a.state !== 'acknowledged' && b.state !== 'acknowledged') {
    return priorityWeight(a.order.priority) - priorityWeight(b.order.priority) || a.order.ackDueAt - b.order.ackDueAt;
  }
  return b.order.createdAt - a.order.createdAt;
}

/**
 * The recipient's orders (我的指令), fed by the one connection: on every (re)connect it asks
 * `order:sync` for what changed since its cursor (kept per person in localStorage with the
 * assignments), merges by order id keeping the higher rev, and listens for new, amended and
 * cancelled orders and for the person's own progress on other devices in between. New orders are
 * receipted as delivered in batches, opened ones as read; acknowledgements, reports and forwards
 * go through the outbox, so none is lost or doubled.
 */
class OrderInbox {
  #byId = new SvelteMap<string, AssignmentView>();
  #onDuty = $state<boolean | null>(null);
  #dutySaving = $state(false);
  #syncing = $state(false);
  #synced = $state(false);
  #syncFailed = $state(false);
  #active = $state(false);
  #userId: string | null = null;
  #cursor = 0;
  #resync = false;
  #saveTimer: ReturnType<typeof setTimeout> | undefined;
  #stops: (() => void)[] = [];
  #receipts = new ReceiptQueue((state, ids) => this.#sendReceipts(state, ids));

  /** True while a person who receives orders is signed in. */
  get active(): boolean {
    return this.#active;
  }
  /** True while catching up with the hub. */
  get syncing(): boolean {
    return this.#syncing;
  }
  /** True once a catch-up has finished since the page loaded. */
  get synced(): boolean {
    return this.#synced;
  }
  /** True when the last catch-up got no answer. */
  get syncFailed(): boolean {
    return this.#syncFailed;
  }
  /** 在岗 as the hub has it (from the profile, then as set here); null until set (the hub treats that as off duty). */
  get onDuty(): boolean | null {
    return this.#onDuty;
  }
  /** True while a duty change is on its way. */
  get dutySaving(): boolean {
    return this.#dutySaving;
  }

  /** All assignments, most pressing first. */
  get all(): AssignmentView[] {
    return [...this.#byId.values()].sort(inboxOrder);
  }

  /** Assignments of one tab. */
  inTab(tab: InboxTab): AssignmentView[] {
    return this.all.filter((a) => tabOf(a.state) === tab);
  }

  /** Per tab, how many still need something from this person (cancelled orders do not count). */
  get counts(): Record<InboxTab, number> {
    const counts = Object.fromEntries(INBOX_TABS.map((tab) => [tab, 0])) as Record<InboxTab, number>;
    for (const a of this.#byId.values()) if (a.order.status === 'active') counts[tabOf(a.state)] += 1;
    return counts;
  }

  /** Orders waiting to be acknowledged: the badge on the navigation link. */
  get waiting(): number {
    let n = 0;
    for (const a of this.#byId.values()) if (a.order.status === 'active' && tabOf(a.state) === 'open') n += 1;
    return n;
  }

  /** One assignment. */
  get(orderId: string): AssignmentView | undefined {
    return this.#byId.get(orderId);
  }

  /** Actions and forwards of this order still waiting in the outbox. */
  queued(orderId: string): OutboxEntry[] {
    return outbox.entries.filter(
      (e) =>
        (e.command.event === 'order:act' || e.command.event === 'order:forward') &&
        e.command.payload.orderId === orderId,
    );
  }

  /** Starts for the signed-in person: loads the cache, listens, and syncs on every connection. */
  start(me: MeView): void {
    this.stop();
    if (!canReceive(me.role)) return;
    this.#userId = me.id;
    this.#active = true;
    const cache = loadCache(me.id);
    this.#cursor = cache.cursor;
    this.#onDuty = me.onDuty;
    for (const a of cache.assignments) this.#byId.set(a.order.id, a);
    // A page closed or reloaded within the save delay still keeps what it just received (offline inbox).
    const flush = () => this.#saveNow();
    window.addEventListener('pagehide', flush);
    this.#stops = [
      () => window.removeEventListener('pagehide', flush),
      connection.on('order:assigned', (a) => this.#assigned(a)),
      connection.on('order:progressed', (a) => this.#progressed(a)),
      connection.on('order:changed', (o) => this.#changed(o)),
      connection.onConnected(() => void this.#catchUp()),
      outbox.onSettled((s) => this.#settled(s)),
    ];
  }

  /** Stops listening and empties memory; the cache stays for the next visit. */
  stop(): void {
    for (const stop of this.#stops) stop();
    this.#stops = [];
    if (this.#userId !== null) this.#saveNow();
    clearTimeout(this.#saveTimer);
    this.#receipts.clear();
    this.#byId.clear();
    this.#userId = null;
    this.#active = false;
    this.#synced = false;
    this.#syncFailed = false;
    this.#onDuty = null;
    this.#cursor = 0;
  }

  /** Stops and removes the person's orders from this device (sign-out). */
  forget(): void {
    const userId = this.#userId;
    this.stop();
    if (userId !== null) clearCache(userId);
  }

  /** The person opened an order: send a read receipt. */
  markRead(orderId: string): void {
    orderAlerts.settle(orderId, 'read');
    const a = this.#byId.get(orderId);
    if (!a || a.order.status !== 'active' || a.readAt !== null || a.state === 'completed' || a.state === 'returned')
      return;
    this.#byId.set(orderId, advance(a, 'read', Date.now()));
    this.#receipts.add('read', orderId);
    this.#scheduleSave();
  }

  /** 签收. Resolves with the hub's answer once it arrives (the outbox keeps trying until then). */
  acknowledge(orderId: string): Promise<CommandAck<'order:act'>> {
    return outbox.send({ event: 'order:act', payload: { action: 'acknowledge', orderId, clientId: newClientId() } });
  }

  /** 进展 / 办结 / 退回 with the person's text. */
  report(orderId: string, action: TextAction, text: string): Promise<CommandAck<'order:act'>> {
    return outbox.send({ event: 'order:act', payload: { action, orderId, clientId: newClientId(), text } });
  }

  /**
   * 转派: hands the order on to colleagues of the person's own unit as a sub-order; the person
   * stays responsible for their own assignment. Through the outbox, with a stable client id.
   */
  forward(orderId: string, userIds: string[], note: string): Promise<CommandAck<'order:forward'>> {
    const payload =
      note === '' ? { orderId, clientId: newClientId(), userIds } : { orderId, clientId: newClientId(), userIds, note };
    return outbox.send({ event: 'order:forward', payload });
  }

  /** Switches 在岗 / 离岗 on the hub. */
  async setDuty(
    onDuty: boolean,
  ): Promise<CommandAck<'duty:set'> | { ok: false; error: { code: string; message: string } }> {
    this.#dutySaving = true;
    const res = await connection.emit('duty:set', { onDuty });
    this.#dutySaving = false;
    if (res.ok) {
      this.#onDuty = res.onDuty;
      this.#scheduleSave();
    }
    return res;
  }

  async #catchUp(): Promise<void> {
    await this.#receipts.flush();
    await this.#sync();
  }

  async #sync(): Promise<void> {
    if (this.#syncing) {
      this.#resync = true;
      return;
    }
    const owner = this.#userId;
    this.#syncing = true;
    try {
      do {
        this.#resync = false;
        for (;;) {
          const res = await connection.emit('order:sync', { since: this.#cursor });
          if (this.#userId !== owner) return;
          if (!res.ok) {
            this.#syncFailed = true;
            return;
          }
          if (res.reset) {
            // The cursor belongs to another store (the hub's data was reset or restored): start over.
            this.#cursor = 0;
            this.#byId.clear();
            this.#receipts.clear();
            continue;
          }
          this.#absorb(res.assignments);
          this.#cursor = Math.max(this.#cursor, res.cursor);
          if (!res.more) break;
        }
      } while (this.#resync);
      this.#syncFailed = false;
      this.#synced = true;
      this.#scheduleSave();
    } finally {
      this.#syncing = false;
    }
  }

  /** Merges assignments; receipts and announces the ones this device had never seen. */
  #absorb(list: AssignmentView[]): void {
    const now = Date.now();
    for (const incoming of list) {
      const held = this.#byId.get(incoming.order.id);
      let merged = mergeAssignment(held, incoming);
      // Changed while this device was away: say so, as the live `order:changed` would have.
      if (held && merged.order.updatedAt > held.order.updatedAt) {
        const cancelled = merged.order.status === 'cancelled' && held.order.status === 'active';
        if (cancelled || merged.order.status === 'active')
          orderAlerts.push({
            kind: cancelled ? 'cancelled' : 'amended',
            orderId: merged.order.id,
            title: merged.order.title,
          });
      }
      if (merged.order.status === 'active') {
        if (merged.state === 'pending') {
          merged = advance(merged, 'delivered', now);
          if (!held)
            orderAlerts.push({
              kind: 'arrived',
              orderId: merged.order.id,
              title: merged.order.title,
              priority: merged.order.priority,
              issuer: merged.order.issuer.name,
            });
        }
        // Ahead of the hub's copy: a receipt from an earlier visit never arrived. Receipts are idempotent; send again.
        if (
          (merged.state === 'delivered' || merged.state === 'read') &&
          STATE_RANK[merged.state] > STATE_RANK[incoming.state]
        ) {
          this.#receipts.add(merged.state, merged.order.id);
        }
      }
      this.#byId.set(merged.order.id, merged);
    }
    if (list.length > 0) this.#scheduleSave();
  }

  #assigned(a: AssignmentView): void {
    // A catch-up cursor never passes a write still in flight (the hub reads only up to its
    // horizon), so a new order at or below the cursor means the cursor belongs to another store
    // (the hub's data was reset): start over from the beginning.
    if (a.rev <= this.#cursor && !this.#byId.has(a.order.id)) {
      this.#cursor = 0;
      this.#byId.clear();
      void this.#sync();
    }
    this.#absorb([a]);
  }

  /** The person's own assignment moved on another of their devices: the higher rev wins, no banner. */
  #progressed(a: AssignmentView): void {
    const held = this.#byId.get(a.order.id);
    if (!held) {
      this.#absorb([a]);
      return;
    }
    const merged = mergeAssignment(held, a);
    this.#byId.set(a.order.id, merged);
    if (STATE_RANK[merged.state] >= STATE_RANK.read) orderAlerts.settle(a.order.id, merged.state);
    this.#scheduleSave();
  }

  #changed(order: OrderView): void {
    const held = this.#byId.get(order.id);
    if (!held) {
      void this.#sync();
      return;
    }
    const next = newerOrder(held.order, order);
    if (next === held.order) return;
    this.#byId.set(order.id, { ...held, order: next });
    orderAlerts.push({
      kind: next.status === 'cancelled' ? 'cancelled' : 'amended',
      orderId: order.id,
      title: next.title,
    });
    this.#scheduleSave();
  }

  /** The hub answered an action from the outbox (perhaps one queued before a reload). */
  #settled(settled: OutboxSettlement): void {
    if (settled.event === 'order:forward') {
      if (!settled.result.ok) {
        const held = this.#byId.get(settled.command.payload.orderId);
        orderAlerts.push({
          kind: 'failed',
          orderId: settled.command.payload.orderId,
          title: held?.order.title ?? '',
          reason: failureKey(settled.result.error.code),
        });
      }
      return;
    }
    if (settled.event !== 'order:act') return;
    const { command, result } = settled;
    const p = command.payload;
    const held = this.#byId.get(p.orderId);
    if (!result.ok) {
      orderAlerts.push({
        kind: 'failed',
        orderId: p.orderId,
        title: held?.order.title ?? '',
        reason: failureKey(result.error.code),
      });
      return;
    }
    orderAlerts.settle(p.orderId, result.state);
    if (held) {
      let next = advance(held, result.state, Date.now());
      if (
        (p.action === 'complete' && result.state === 'completed') ||
        (p.action === 'return' && result.state === 'returned')
      )
        next = { ...next, feedback: p.text };
      this.#byId.set(p.orderId, next);
    }
    this.#scheduleSave();
  }

  async #sendReceipts(state: ReceiptState, orderIds: string[]): Promise<boolean> {
    const res = await connection.emit('order:receipt', { orderIds, state });
    // A refusal other than "not now" (an order gone, say) will not get better by resending.
    return res.ok || (res.error.code !== 'not_connected' && res.error.code !== 'timeout');
  }

  #scheduleSave(): void {
    clearTimeout(this.#saveTimer);
    this.#saveTimer = setTimeout(() => this.#saveNow(), SAVE_DELAY_MS);
  }

  #saveNow(): void {
    clearTimeout(this.#saveTimer);
    if (this.#userId === null) return;
    saveCache(this.#userId, {
      cursor: this.#cursor,
      assignments: [...this.#byId.values()],
    });
  }
}

/** The signed-in person's orders. */
export const orderInbox = new OrderInbox();
