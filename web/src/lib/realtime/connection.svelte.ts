import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ErrorCode, HandshakeErrorCode, ServerToClientEvents } from '@fengqiao/hub/protocol';
import { backoffDelay } from './backoff.ts';
import {
  TERMINAL_HANDSHAKE_CODES,
  type ConnectionReason,
  type ConnectionState,
  type SessionEndReason,
} from './connection-state.ts';

/** The socket typed by the shared event maps of `@fengqiao/hub/protocol`. */
export type HubSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** What one `system:ping` round trip measured. */
export interface PingResult {
  rttMs: number;
  node: string;
  serverTime: number;
}

/** Why a ping gave no result: the hub's error code, or a client-side condition. */
export type PingFailure = ErrorCode | 'not_connected' | 'timeout';

/** A command's payload, from the shared event map. */
export type CommandPayload<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[0];

/** What the hub acknowledged a command with: `{ ok: true, … }` or `{ ok: false, error }`. */
export type CommandAck<E extends keyof ClientToServerEvents> = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0];

/** A command that never got an answer: not sent (offline) or sent and unanswered (its outcome is unknown). */
export interface CommandUnanswered {
  ok: false;
  error: { code: 'not_connected' | 'timeout'; message: string };
}

/** The outcome of `connection.emit`: the hub's acknowledgement, or why there was none. */
export type CommandResult<E extends keyof ClientToServerEvents> = CommandAck<E> | CommandUnanswered;

type ServerEvent = keyof ServerToClientEvents;
type AnyListener = (...args: never[]) => void;

/** A failed `ping()`; `code` says why so the UI can word it. */
export class PingError extends Error {
  readonly code: PingFailure;
  constructor(code: PingFailure, message: string = code) {
    super(message);
    this.name = 'PingError';
    this.code = code;
  }
}

const PING_TIMEOUT_MS = 5_000;
const COMMAND_TIMEOUT_MS = 10_000;
const PROBE_INTERVAL_MS = 15_000;
const HANDSHAKE_TIMEOUT_MS = 10_000;

/** Reads the hub's refusal code from a `connect_error` (its `data.code`), if it is one that ends the session. */
function terminalHandshakeCode(err: Error): HandshakeErrorCode | null {
  const data: unknown = (err as Error & { data?: unknown }).data;
  if (typeof data !== 'object' || data === null || !('code' in data)) return null;
  const code = data.code;
  return TERMINAL_HANDSHAKE_CODES.find((c) => c === code) ?? null;
}

/**
 * The one owner of the browser's Socket.IO connection; components read its state and never call
 * `io()`. An explicit state machine (disconnected → connecting → connected) records a reason on
 * every transition. Socket.IO's own reconnection is switched off: this class retries with
 * full-jitter backoff, so it alone decides when to give up (a refused session, a revocation,
 * a logout) and the UI always knows which state it is in and why.
 */
class Connection {
  #state = $state<ConnectionState>('disconnected');
  #reason = $state<ConnectionReason>('initial');
  #sessionEnded = $state<SessionEndReason | null>(null);
  #attempt = $state(0);
  #nextRetryAt = $state<number | null>(null);
  #latencyMs = $state<number | null>(null);
  #node = $state<string | null>(null);
  #checkedAt = $state<number | null>(null);

  #socket: HubSocket | null = null;
  /** True between `connect()` and a stop: while it holds, every drop is retried. */
  #wanted = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #probeTimer: ReturnType<typeof setInterval> | undefined;
  /** Listeners of hub events; kept here so they survive the socket being replaced. */
  #listeners = new Map<ServerEvent, Set<AnyListener>>();
  #connectedListeners = new Set<() => void>();

  /** disconnected: not trying; connecting: handshaking or waiting to retry; connected: live. */
  get state(): ConnectionState {
    return this.#state;
  }
  /** Why the last transition happened. */
  get reason(): ConnectionReason {
    return this.#reason;
  }
  /** Set once the session is over (refused or revoked); the app then returns to /login. */
  get sessionEnded(): SessionEndReason | null {
    return this.#sessionEnded;
  }
  /** Failed attempts since the last successful connection. */
  get attempt(): number {
    return this.#attempt;
  }
  /** When the next retry fires (ms since epoch), while waiting out the backoff. */
  get nextRetryAt(): number | null {
    return this.#nextRetryAt;
  }
  /** Round trip of the last successful `system:ping`, ms. */
  get latencyMs(): number | null {
    return this.#latencyMs;
  }
  /** The hub node that answered the last ping. */
  get node(): string | null {
    return this.#node;
  }
  /** When the last ping was answered (ms since epoch). */
  get checkedAt(): number | null {
    return this.#checkedAt;
  }

  /** Starts connecting (no-op if already started); keeps reconnecting until stopped. */
  connect(): void {
    if (this.#wanted) return;
    this.#wanted = true;
    this.#sessionEnded = null;
    this.#attempt = 0;
    window.addEventListener('online', this.#onOnline);
    this.#open('connect_requested');
  }

  /** Closes the connection and stops retrying: the person signed out, or left the signed-in pages. */
  disconnect(reason: 'logout' | 'app_closed' = 'logout'): void {
    this.#stop(reason);
  }

  /** Sends `system:ping` and resolves with the round trip; throws `PingError` otherwise. */
  async ping(echo?: string): Promise<PingResult> {
    const socket = this.#socket;
    if (!socket || this.#state !== 'connected') throw new PingError('not_connected');
    const started = performance.now();
    let res;
    try {
      res = await socket.timeout(PING_TIMEOUT_MS).emitWithAck('system:ping', echo === undefined ? {} : { echo });
    } catch {
      throw new PingError('timeout');
    }
    if (!res.ok) throw new PingError(res.error.code, res.error.message);
    const rttMs = Math.max(0, Math.round(performance.now() - started));
    this.#latencyMs = rttMs;
    this.#node = res.node;
    this.#checkedAt = Date.now();
    return { rttMs, node: res.node, serverTime: res.serverTime };
  }

  /**
   * Sends a command and resolves with the hub's acknowledgement. Never throws: offline gives
   * `not_connected` (nothing was sent) and a missing answer `timeout` (it may have arrived, so
   * retry only commands that carry a client id).
   */
  async emit<E extends keyof ClientToServerEvents>(
    event: E,
    payload: CommandPayload<E>,
    timeoutMs: number = COMMAND_TIMEOUT_MS,
  ): Promise<CommandResult<E>> {
    const socket = this.#socket;
    if (!socket || this.#state !== 'connected')
      return { ok: false, error: { code: 'not_connected', message: 'not connected' } };
    // The event name is generic here, which socket.io's overloads cannot narrow; the map still types both ends.
    const send = socket.timeout(timeoutMs) as unknown as {
      emitWithAck(event: E, payload: CommandPayload<E>): Promise<CommandAck<E>>;
    };
    try {
      return await send.emitWithAck(event, payload);
    } catch {
      return { ok: false, error: { code: 'timeout', message: 'no answer from the hub' } };
    }
  }

  /** Listens to a hub event on this and every later socket; returns the function that stops listening. */
  on<E extends ServerEvent>(event: E, listener: ServerToClientEvents[E]): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener);
    this.#socket?.on(event, listener as never);
    return () => {
      set.delete(listener);
      this.#socket?.off(event, listener as never);
    };
  }

  /** Runs after every successful (re)connection: the moment to catch up from cursors and resend. */
  onConnected(listener: () => void): () => void {
    this.#connectedListeners.add(listener);
    if (this.#state === 'connected') queueMicrotask(() => this.#connectedListeners.has(listener) && listener());
    return () => this.#connectedListeners.delete(listener);
  }

  #move(state: ConnectionState, reason: ConnectionReason): void {
    this.#state = state;
    this.#reason = reason;
  }

  #open(reason: ConnectionReason): void {
    clearTimeout(this.#retryTimer);
    this.#nextRetryAt = null;
    this.#move('connecting', reason);
    (this.#socket ??= this.#createSocket()).connect();
  }

  #createSocket(): HubSocket {
    const socket: HubSocket = io({
      path: '/socket.io',
      withCredentials: true,
      // WebSocket first (works without sticky sessions); long-polling if a proxy blocks it.
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      reconnection: false,
      autoConnect: false,
      forceNew: true,
      timeout: HANDSHAKE_TIMEOUT_MS,
    });
    socket.on('connect', () => {
      this.#attempt = 0;
      this.#move('connected', 'transport_open');
      this.#startProbe();
      for (const listener of this.#connectedListeners) listener();
    });
    socket.on('disconnect', (why) => {
      this.#stopProbe();
      // A round trip measured on the dead link would read as current; the node and time stay for diagnosis.
      this.#latencyMs = null;
      // A stop we asked for: #stop has already moved the state.
      if (why === 'io client disconnect' || !this.#wanted) return;
      if (why === 'io server disconnect') this.#retry('server_disconnect');
      else if (why === 'ping timeout') this.#retry('ping_timeout');
      else this.#retry('transport_closed');
    });
    socket.on('connect_error', (err) => {
      if (!this.#wanted) return;
      const code = terminalHandshakeCode(err);
      if (code) this.#end('auth_failed', code);
      else this.#retry('connect_failed');
    });
    socket.on('session:revoked', ({ reason }) => this.#end('session_revoked', reason));
    for (const [event, set] of this.#listeners) for (const listener of set) socket.on(event, listener as never);
    return socket;
  }

  #retry(reason: ConnectionReason): void {
    this.#move('connecting', reason);
    const delay = backoffDelay(this.#attempt);
    this.#attempt += 1;
    this.#nextRetryAt = Date.now() + delay;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => this.#open(reason), delay);
  }

  /** The browser says the network is back: retry now rather than at the end of the backoff. */
  #onOnline = (): void => {
    if (this.#wanted && this.#state === 'connecting' && this.#nextRetryAt !== null) {
      this.#attempt = 0;
      this.#open('network_online');
    }
  };

  #end(reason: 'auth_failed' | 'session_revoked', why: SessionEndReason): void {
    this.#stop(reason);
    this.#sessionEnded = why;
  }

  #stop(reason: ConnectionReason): void {
    this.#wanted = false;
    clearTimeout(this.#retryTimer);
    this.#stopProbe();
    window.removeEventListener('online', this.#onOnline);
    const socket = this.#socket;
    this.#socket = null;
    if (socket) {
      socket.removeAllListeners();
      socket.disconnect();
    }
    this.#nextRetryAt = null;
    this.#latencyMs = null;
    this.#node = null;
    this.#checkedAt = null;
    this.#move('disconnected', reason);
  }

  #startProbe(): void {
    this.#stopProbe();
    const probe = () => {
      this.ping().catch(() => {
        // A lost ping shows as stale latency; the transport's own heartbeat handles dead links.
      });
    };
    probe();
    this.#probeTimer = setInterval(probe, PROBE_INTERVAL_MS);
  }

  #stopProbe(): void {
    clearInterval(this.#probeTimer);
    this.#probeTimer = undefined;
  }
}

/** The app's one realtime connection. */
export const connection = new Connection();
