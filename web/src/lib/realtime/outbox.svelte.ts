import type { ErrorCode } from '@fengqiao/hub/protocol';
import { connection, type CommandAck, type CommandPayload, type CommandResult } from './connection.svelte.ts';
import { createOutboxStore, type OutboxStore } from './outbox-store.ts';
import { holdTabLock } from './tab-lock.ts';

/**
 * The payload of each command that carries a client id: the hub answers a resend with the first
 * result, so resending is safe. Of `matter:update` only `resolve` carries one (it posts a message).
 */
export interface IdempotentPayloads {
  'order:act': CommandPayload<'order:act'>;
  'order:create': CommandPayload<'order:create'>;
  'order:forward': CommandPayload<'order:forward'>;
  'message:send': CommandPayload<'message:send'>;
  'matter:create': CommandPayload<'matter:create'>;
  'matter:update': Extract<CommandPayload<'matter:update'>, { action: 'resolve' }>;
  'hotline:create': CommandPayload<'hotline:create'>;
  'hotline:send': CommandPayload<'hotline:send'>;
  'hotline:note': CommandPayload<'hotline:note'>;
}

/** Commands that carry a client id. */
export type IdempotentEvent = keyof IdempotentPayloads;

/** One queued command. */
export type OutboxCommand = { [E in IdempotentEvent]: { event: E; payload: IdempotentPayloads[E] } }[IdempotentEvent];

/** A command and the hub's final answer to it. */
export type OutboxSettlement = {
  [E in IdempotentEvent]: { event: E; command: { event: E; payload: IdempotentPayloads[E] }; result: CommandAck<E> };
}[IdempotentEvent];

/**
 * Independent queues: order within a lane is kept, but a chat message held back by the send rate
 * never delays an acknowledgement of an order.
 */
export type OutboxLane = 'orders' | 'chat';

/** A command waiting for the hub's answer. */
export interface OutboxEntry {
  command: OutboxCommand;
  queuedAt: number;
  /** Sends that got no usable answer so far. */
  attempts: number;
  /** Why the last attempt did not go through ("not now" answers only), if one was made. */
  lastError?: ErrorCode | 'not_connected' | 'timeout';
  /** When the next attempt is due (ms since epoch) while waiting out a refusal; absent when it waits for the connection. */
  retryAt?: number;
}

/** Answers that say "not now" rather than "no": the same command is sent again later. */
const TRANSIENT: readonly (ErrorCode | 'not_connected' | 'timeout')[] = [
  'not_connected',
  'timeout',
  'internal',
  'unavailable',
  'store_unavailable',
  'rate_limited',
];
const RETRY_BASE_MS = 5_000;
const RETRY_MAX_MS = 60_000;
const LANES: readonly OutboxLane[] = ['orders', 'chat'];

/** What the sending tab tells the person's other tabs. */
type TabMessage = { kind: 'sending'; clientIds: string[] } | { kind: 'settled'; settled: OutboxSettlement };

function isTransient(result: { ok: boolean; error?: { code: string } }): boolean {
  return !result.ok && result.error !== undefined && (TRANSIENT as readonly string[]).includes(result.error.code);
}

/** Which lane a command travels in. */
export function laneOf(event: IdempotentEvent): OutboxLane {
  return event.startsWith('order:') ? 'orders' : 'chat';
}

/** Sends one queued command. Generic over the event so one call serves every command. */
function emitCommand<E extends IdempotentEvent>(command: {
  event: E;
  payload: IdempotentPayloads[E];
}): Promise<CommandResult<E>> {
  return connection.emit(command.event, command.payload as CommandPayload<E>);
}

/**
 * The person's writes that must reach the hub exactly once: each command gets its client id when
 * it is made and keeps it; it is sent in order within its lane and sent again (same id) after
 * every reconnect or failed attempt until the hub answers (a `rate_limited` answer is retried after
 * the `retryAfter` it names). Kept in localStorage per command, so a reload or a dead battery loses
 * nothing; the hub's idempotency makes sure nothing is doubled.
 *
 * Several tabs of one person share the queue: each tab stores what it queues under keys of its own,
 * and one tab at a time (the holder of a Web Lock) sends the whole queue; the others hear every
 * answer over a BroadcastChannel. When the sending tab closes, the next one takes over.
 */
class Outbox {
  #entries = $state<OutboxEntry[]>([]);
  #sending = $state<string[]>([]);
  #userId: string | null = null;
  #store: OutboxStore<OutboxEntry> | null = null;
  /** Commands storage refused (full or blocked): they live in this tab until it closes. */
  #unstored = new Map<string, OutboxEntry>();
  #channel: BroadcastChannel | null = null;
  /** True in the one tab that sends. */
  #sender = false;
  #releaseLock: (() => void) | null = null;
  #flushing = new Set<OutboxLane>();
  #retryTimers = new Map<OutboxLane, ReturnType<typeof setTimeout>>();
  #stopConnected: (() => void) | null = null;
  #waiters = new Map<string, (result: CommandResult<IdempotentEvent>) => void>();
  #settledListeners = new Set<(settled: OutboxSettlement) => void>();

  /** Commands not yet answered, oldest first, whichever tab queued them. */
  get entries(): readonly OutboxEntry[] {
    return this.#entries;
  }

  /** True while the command with this client id is on the wire. */
  isSending(clientId: string): boolean {
    return this.#sending.includes(clientId);
  }

  /** Loads this person's unsent commands; the tab that gets to send sends them whenever the connection is up. */
  start(userId: string): void {
    if (this.#userId === userId) return;
    this.stop();
    this.#userId = userId;
    // Another tab queued, retried or settled a command: show it, and send it if this tab sends.
    this.#store = createOutboxStore<OutboxEntry>(userId, () => {
      this.#reload();
      void this.flush();
    });
    this.#reload();
    if (typeof BroadcastChannel !== 'undefined') {
      const channel = new BroadcastChannel(`fq.outbox.${userId}`);
      channel.onmessage = (e: MessageEvent<TabMessage>) => this.#heard(e.data);
      this.#channel = channel;
    }
    this.#releaseLock = holdTabLock(`fq.outbox.${userId}`, () => {
      this.#sender = true;
      this.#setSending([]);
      // Whatever the previous sender left in flight is sent again: the hub answers it from its first result.
      this.#reload();
      void this.flush();
    });
    this.#stopConnected = connection.onConnected(() => void this.flush());
  }

  /** Stops sending; what is queued stays stored for the person's next visit (or another tab). */
  stop(): void {
    this.#stopConnected?.();
    this.#stopConnected = null;
    this.#releaseLock?.();
    this.#releaseLock = null;
    this.#sender = false;
    this.#channel?.close();
    this.#channel = null;
    this.#store?.close();
    this.#store = null;
    for (const timer of this.#retryTimers.values()) clearTimeout(timer);
    this.#retryTimers.clear();
    this.#userId = null;
    this.#unstored.clear();
    this.#entries = [];
    this.#sending = [];
    // Whoever waited has left with the page; the commands stay stored and are sent next visit.
    this.#waiters.clear();
  }

  /** Queues a command and resolves with the hub's final answer (or never, if the outbox is stopped first). */
  send<E extends IdempotentEvent>(command: { event: E; payload: IdempotentPayloads[E] }): Promise<CommandAck<E>> {
    const id = command.payload.clientId;
    const answer = new Promise<CommandAck<E>>((resolve) =>
      this.#waiters.set(id, resolve as (r: CommandResult<IdempotentEvent>) => void),
    );
    if (this.#store && !this.#store.has(id) && !this.#unstored.has(id)) {
      const entry: OutboxEntry = { command: command as OutboxCommand, queuedAt: Date.now(), attempts: 0 };
      if (!this.#store.put(entry)) this.#unstored.set(id, entry);
      this.#reload();
    }
    void this.flush();
    return answer;
  }

  /** Drops a queued command that has not gone out yet (the person thought better of it). False if it is on the wire. */
  discard(clientId: string): boolean {
    const queued = this.#entries.some((e) => e.command.payload.clientId === clientId);
    if (this.#sending.includes(clientId) || !queued) return false;
    this.#store?.remove(clientId);
    this.#unstored.delete(clientId);
    this.#waiters.delete(clientId);
    this.#reload();
    return true;
  }

  /** Called with every final answer, including those of commands queued before a reload or in another tab. */
  onSettled(listener: (settled: OutboxSettlement) => void): () => void {
    this.#settledListeners.add(listener);
    return () => this.#settledListeners.delete(listener);
  }

  /** Sends what is queued, lane by lane in parallel, until the lanes are empty or the hub cannot answer. */
  async flush(): Promise<void> {
    await Promise.all(LANES.map((lane) => this.#flushLane(lane)));
  }

  async #flushLane(lane: OutboxLane): Promise<void> {
    if (this.#flushing.has(lane) || this.#userId === null) return;
    this.#flushing.add(lane);
    clearTimeout(this.#retryTimers.get(lane));
    this.#retryTimers.delete(lane);
    const owner = this.#userId;
    const store = this.#store!;
    try {
      for (;;) {
        const entry = this.#sendable().find((e) => laneOf(e.command.event) === lane);
        if (!entry || this.#userId !== owner) return;
        const id = entry.command.payload.clientId;
        this.#setSending([...this.#sending, id]);
        const result = await emitCommand(entry.command);
        this.#setSending(this.#sending.filter((s) => s !== id));
        if (this.#userId !== owner) return;
        if (isTransient(result)) {
          const error = result.ok ? undefined : result.error;
          entry.attempts += 1;
          entry.lastError = error?.code;
          // Offline: the next connection flushes. Otherwise the hub is busy or limiting: wait as long as it asks, at least a little.
          if (connection.state === 'connected') {
            const backoff = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.min(entry.attempts - 1, 4));
            const asked =
              error && 'retryAfter' in error && typeof error.retryAfter === 'number' ? error.retryAfter * 1000 : 0;
            const delay = asked > 0 ? asked : backoff;
            entry.retryAt = Date.now() + delay;
            this.#retryTimers.set(
              lane,
              setTimeout(() => void this.#flushLane(lane), delay),
            );
          } else entry.retryAt = undefined;
          // Not if another tab discarded it meanwhile.
          const updated = $state.snapshot(entry) as OutboxEntry;
          if (this.#unstored.has(id)) this.#unstored.set(id, updated);
          else if (store.has(id)) store.put(updated);
          return;
        }
        store.remove(id);
        this.#unstored.delete(id);
        this.#reload();
        const command = $state.snapshot(entry.command);
        const settled = { event: command.event, command, result } as OutboxSettlement;
        this.#channel?.postMessage({ kind: 'settled', settled } satisfies TabMessage);
        this.#settle(settled);
      }
    } finally {
      this.#flushing.delete(lane);
    }
  }

  /**
   * What this tab sends: everything when it holds the lock; otherwise only what storage refused
   * (the sending tab cannot see those), as others' commands reach the sender through storage.
   */
  #sendable(): readonly OutboxEntry[] {
    if (this.#sender) return this.#entries;
    return this.#entries.filter((e) => this.#unstored.has(e.command.payload.clientId));
  }

  /** This tab's view of what is on the wire, shared with the other tabs. */
  #setSending(ids: string[]): void {
    this.#sending = ids;
    this.#channel?.postMessage({ kind: 'sending', clientIds: ids } satisfies TabMessage);
  }

  #heard(message: TabMessage): void {
    if (message.kind === 'sending') this.#sending = message.clientIds;
    else {
      this.#reload();
      this.#settle(message.settled);
    }
  }

  #settle(settled: OutboxSettlement): void {
    for (const listener of this.#settledListeners) listener(settled);
    const id = settled.command.payload.clientId;
    this.#waiters.get(id)?.(settled.result);
    this.#waiters.delete(id);
  }

  #reload(): void {
    const stored = this.#store?.all() ?? [];
    const all = this.#unstored.size ? [...stored, ...this.#unstored.values()] : stored;
    this.#entries = all.sort((a, b) => a.queuedAt - b.queuedAt);
  }
}

/** The app's one outbox of idempotent commands. */
export const outbox = new Outbox();
