import type { ErrorCode } from '@fengqiao/hub/protocol';
import { connection, type CommandAck, type CommandPayload, type CommandResult } from './connection.svelte.ts';

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
export type OutboxSettlement = { [E in IdempotentEvent]: { event: E; command: { event: E; payload: IdempotentPayloads[E] }; result: CommandAck<E> } }[IdempotentEvent];

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
const TRANSIENT: readonly (ErrorCode | 'not_connected' | 'timeout')[] = ['not_connected', 'timeout', 'internal', 'unavailable', 'store_unavailable', 'rate_limited'];
const RETRY_BASE_MS = 5_000;
const RETRY_MAX_MS = 60_000;
const STORAGE_PREFIX = 'fq.outbox.';
const LANES: readonly OutboxLane[] = ['orders', 'chat'];

function isTransient(result: { ok: boolean; error?: { code: string } }): boolean {
  return !result.ok && result.error !== undefined && (TRANSIENT as readonly string[]).includes(result.error.code);
}

/** Which lane a command travels in. */
export function laneOf(event: IdempotentEvent): OutboxLane {
  return event.startsWith('order:') ? 'orders' : 'chat';
}

/**
 * The person's writes that must reach the hub exactly once: each command gets its client id when
 * it is made and keeps it; it is sent in order within its lane and sent again (same id) after
 * every reconnect or failed attempt until the hub answers (a `rate_limited` answer is retried after
 * the `retryAfter` it names). Kept in localStorage per person, so a reload or a dead battery loses
 * nothing; the hub's idempotency makes sure nothing is doubled.
 */
class Outbox {
  #entries = $state<OutboxEntry[]>([]);
  #sending = $state<string[]>([]);
  #userId: string | null = null;
  #flushing = new Set<OutboxLane>();
  #retryTimers = new Map<OutboxLane, ReturnType<typeof setTimeout>>();
  #stopConnected: (() => void) | null = null;
  #waiters = new Map<string, (result: CommandResult<IdempotentEvent>) => void>();
  #settledListeners = new Set<(settled: OutboxSettlement) => void>();

  /** Commands not yet answered, oldest first. */
  get entries(): readonly OutboxEntry[] {
    return this.#entries;
  }

  /** True while the command with this client id is on the wire. */
  isSending(clientId: string): boolean {
    return this.#sending.includes(clientId);
  }

  /** Loads this person's unsent commands and sends them whenever the connection is up. */
  start(userId: string): void {
    if (this.#userId === userId) return;
    this.stop();
    this.#userId = userId;
    this.#entries = this.#load();
    this.#stopConnected = connection.onConnected(() => void this.flush());
  }

  /** Stops sending; what is queued stays stored for the person's next visit. */
  stop(): void {
    this.#stopConnected?.();
    this.#stopConnected = null;
    for (const timer of this.#retryTimers.values()) clearTimeout(timer);
    this.#retryTimers.clear();
    this.#userId = null;
    this.#entries = [];
    this.#sending = [];
    // Whoever waited has left with the page; the commands stay stored and are sent next visit.
    this.#waiters.clear();
  }

  /** Queues a command and resolves with the hub's final answer (or never, if the outbox is stopped first). */
  send<E extends IdempotentEvent>(command: { event: E; payload: IdempotentPayloads[E] }): Promise<CommandAck<E>> {
    const id = command.payload.clientId;
    const queued = this.#entries.some((e) => e.command.payload.clientId === id);
    if (!queued) {
      this.#entries.push({ command: command as OutboxCommand, queuedAt: Date.now(), attempts: 0 });
      this.#save();
    }
    const answer = new Promise<CommandAck<E>>((resolve) => this.#waiters.set(id, resolve as (r: CommandResult<IdempotentEvent>) => void));
    void this.flush();
    return answer;
  }

  /** Drops a queued command that has not gone out yet (the person thought better of it). False if it is on the wire. */
  discard(clientId: string): boolean {
    if (this.#sending.includes(clientId)) return false;
    const before = this.#entries.length;
    this.#entries = this.#entries.filter((e) => e.command.payload.clientId !== clientId);
    this.#waiters.delete(clientId);
    this.#save();
    return this.#entries.length !== before;
  }

  /** Called with every final answer, including those of commands queued before a reload. */
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
    try {
      for (;;) {
        const entry = this.#entries.find((e) => laneOf(e.command.event) === lane);
        if (!entry || this.#userId !== owner) return;
        const id = entry.command.payload.clientId;
        this.#sending = [...this.#sending, id];
        const result = await this.#emit(entry.command);
        this.#sending = this.#sending.filter((s) => s !== id);
        if (this.#userId !== owner) return;
        if (isTransient(result)) {
          const error = result.ok ? undefined : result.error;
          entry.attempts += 1;
          entry.lastError = error?.code;
          // Offline: the next connection flushes. Otherwise the hub is busy or limiting: wait as long as it asks, at least a little.
          if (connection.state === 'connected') {
            const backoff = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.min(entry.attempts - 1, 4));
            const asked = error && 'retryAfter' in error && typeof error.retryAfter === 'number' ? error.retryAfter * 1000 : 0;
            const delay = asked > 0 ? asked : backoff;
            entry.retryAt = Date.now() + delay;
            this.#retryTimers.set(lane, setTimeout(() => void this.#flushLane(lane), delay));
          } else entry.retryAt = undefined;
          this.#save();
          return;
        }
        this.#entries = this.#entries.filter((e) => e.command.payload.clientId !== id);
        this.#save();
        const settled = { event: entry.command.event, command: entry.command, result } as OutboxSettlement;
        for (const listener of this.#settledListeners) listener(settled);
        this.#waiters.get(id)?.(result);
        this.#waiters.delete(id);
      }
    } finally {
      this.#flushing.delete(lane);
    }
  }

  #emit(command: OutboxCommand): Promise<CommandResult<IdempotentEvent>> {
    switch (command.event) {
      case 'order:act':
        return connection.emit('order:act', command.payload);
      case 'order:create':
        return connection.emit('order:create', command.payload);
      case 'order:forward':
        return connection.emit('order:forward', command.payload);
      case 'message:send':
        return connection.emit('message:send', command.payload);
      case 'matter:create':
        return connection.emit('matter:create', command.payload);
      case 'matter:update':
        return connection.emit('matter:update', command.payload);
      case 'hotline:create':
        return connection.emit('hotline:create', command.payload);
      case 'hotline:send':
        return connection.emit('hotline:send', command.payload);
      case 'hotline:note':
        return connection.emit('hotline:note', command.payload);
    }
  }

  #load(): OutboxEntry[] {
    try {
      const raw = localStorage.getItem(STORAGE_PREFIX + this.#userId);
      const parsed: unknown = raw ? JSON.parse(raw) : [];
      return Array.isArray(parsed) ? (parsed as OutboxEntry[]).map((e) => ({ ...e, retryAt: undefined })) : [];
    } catch {
      return [];
    }
  }

  #save(): void {
    if (this.#userId === null) return;
    try {
      if (this.#entries.length === 0) localStorage.removeItem(STORAGE_PREFIX + this.#userId);
      else localStorage.setItem(STORAGE_PREFIX + this.#userId, JSON.stringify(this.#entries));
    } catch {
      // Storage full or blocked: the queue still lives in memory until the page closes.
    }
  }
}

/** The app's one outbox of idempotent commands. */
export const outbox = new Outbox();
