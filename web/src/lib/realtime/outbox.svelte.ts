import type { ErrorCode } from '@fengqiao/hub/protocol';
import { connection, type CommandAck, type CommandPayload, type CommandResult } from './connection.svelte.ts';

/** Commands that carry a client id: the hub answers a resend with the first result, so resending is safe. */
export type IdempotentEvent = 'order:act' | 'order:create';

/** One queued command. */
export type OutboxCommand = { [E in IdempotentEvent]: { event: E; payload: CommandPayload<E> } }[IdempotentEvent];

/** A command and the hub's final answer to it. */
export type OutboxSettlement = { [E in IdempotentEvent]: { event: E; command: { event: E; payload: CommandPayload<E> }; result: CommandAck<E> } }[IdempotentEvent];

/** A command waiting for the hub's answer. */
export interface OutboxEntry {
  command: OutboxCommand;
  queuedAt: number;
  /** Sends that got no usable answer so far. */
  attempts: number;
}

/** Answers that say "not now" rather than "no": the same command is sent again later. */
const TRANSIENT: readonly (ErrorCode | 'not_connected' | 'timeout')[] = ['not_connected', 'timeout', 'internal', 'unavailable', 'rate_limited'];
const RETRY_BASE_MS = 5_000;
const RETRY_MAX_MS = 60_000;
const STORAGE_PREFIX = 'fq.outbox.';

function isTransient(result: { ok: boolean; error?: { code: string } }): boolean {
  return !result.ok && result.error !== undefined && (TRANSIENT as readonly string[]).includes(result.error.code);
}

/**
 * The person's writes that must reach the hub exactly once: each command gets its client id when
 * it is made and keeps it; it is sent in order and sent again (same id) after every reconnect or
 * failed attempt until the hub answers. Kept in localStorage per person, so a reload or a dead
 * battery loses nothing; the hub's idempotency makes sure nothing is doubled.
 */
class Outbox {
  #entries = $state<OutboxEntry[]>([]);
  #sending = $state<string | null>(null);
  #userId: string | null = null;
  #flushing = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #stopConnected: (() => void) | null = null;
  #waiters = new Map<string, (result: CommandResult<IdempotentEvent>) => void>();
  #settledListeners = new Set<(settled: OutboxSettlement) => void>();

  /** Commands not yet answered, oldest first. */
  get entries(): readonly OutboxEntry[] {
    return this.#entries;
  }

  /** The client id of the command on the wire right now. */
  get sending(): string | null {
    return this.#sending;
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
    clearTimeout(this.#retryTimer);
    this.#userId = null;
    this.#entries = [];
    this.#sending = null;
    // Whoever waited has left with the page; the commands stay stored and are sent next visit.
    this.#waiters.clear();
  }

  /** Queues a command and resolves with the hub's final answer (or `not_connected` if the outbox is stopped first). */
  send<E extends IdempotentEvent>(command: { event: E; payload: CommandPayload<E> }): Promise<CommandAck<E>> {
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

  /** Called with every final answer, including those of commands queued before a reload. */
  onSettled(listener: (settled: OutboxSettlement) => void): () => void {
    this.#settledListeners.add(listener);
    return () => this.#settledListeners.delete(listener);
  }

  /** Sends what is queued, in order, until the queue is empty or the hub cannot answer. */
  async flush(): Promise<void> {
    if (this.#flushing || this.#userId === null) return;
    this.#flushing = true;
    clearTimeout(this.#retryTimer);
    const owner = this.#userId;
    try {
      while (this.#entries.length > 0 && this.#userId === owner) {
        const entry = this.#entries[0]!;
        const id = entry.command.payload.clientId;
        this.#sending = id;
        const result = await this.#emit(entry.command);
        this.#sending = null;
        if (this.#userId !== owner) return;
        if (isTransient(result)) {
          entry.attempts += 1;
          this.#save();
          // Offline: the next connection flushes. Otherwise the hub is struggling: back off a little.
          if (connection.state === 'connected') {
            const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.min(entry.attempts - 1, 4));
            this.#retryTimer = setTimeout(() => void this.flush(), delay);
          }
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
      this.#sending = null;
      this.#flushing = false;
    }
  }

  #emit(command: OutboxCommand): Promise<CommandResult<IdempotentEvent>> {
    return command.event === 'order:act' ? connection.emit('order:act', command.payload) : connection.emit('order:create', command.payload);
  }

  #load(): OutboxEntry[] {
    try {
      const raw = localStorage.getItem(STORAGE_PREFIX + this.#userId);
      const parsed: unknown = raw ? JSON.parse(raw) : [];
      return Array.isArray(parsed) ? (parsed as OutboxEntry[]) : [];
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
