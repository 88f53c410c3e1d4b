import { io, type Socket } from 'socket.io-client';

/** How the harness's clients connect: the options every measured socket shares. */
export interface ConnectOptions {
  /** Sent as the handshake's `auth` (the hub reads `auth.token`; the baseline ignores it). */
  auth: Record<string, string>;
  /** Connections in flight at once: enough to load the server, few enough not to measure a SYN flood. */
  concurrency: number;
  /** A connection slower than this counts as failed rather than stalling the run. */
  timeoutMs: number;
}

/** What connecting N clients produced. */
export interface ConnectResult {
  sockets: Socket[];
  /** Per successful connection: from `io()` to the `connect` event, in ms. */
  latenciesMs: number[];
  /** From the first `io()` to the last connection settled, in ms. */
  totalMs: number;
  failures: number;
  /** The first few distinct failure messages, for the report. */
  failureSamples: string[];
}

/** Where one client connects and what it presents: per client, so N clients may carry N sessions. */
export interface ConnectTarget {
  url: string;
  auth: Record<string, string>;
}

/** One client as the hub's bots connect: websocket only, its own Manager, no reconnection. */
export function openOne(target: ConnectTarget, timeoutMs: number): Promise<{ socket: Socket; ms: number }> {
  const started = performance.now();
  const socket = io(target.url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth: target.auth,
    timeout: timeoutMs,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve({ socket, ms: performance.now() - started }));
    socket.once('connect_error', (err: Error) => {
      socket.close();
      reject(err);
    });
  });
}

/**
 * Connects `n` clients with at most `concurrency` handshakes in flight, recording each one's
 * latency. Connections that fail are counted, not retried: a benchmark reports what happened.
 */
export function connectMany(url: string, n: number, opts: ConnectOptions): Promise<ConnectResult> {
  return connectEach(
    Array.from({ length: n }, () => ({ url, auth: opts.auth })),
    opts,
  );
}

/** As `connectMany`, but each client has its own server and credentials (several nodes, one session each). */
export async function connectEach(
  targets: readonly ConnectTarget[],
  opts: Omit<ConnectOptions, 'auth'>,
): Promise<ConnectResult> {
  const n = targets.length;
  const sockets: Socket[] = [];
  const latenciesMs: number[] = [];
  const failureSamples = new Set<string>();
  let failures = 0;
  let next = 0;
  const started = performance.now();

  async function lane(): Promise<void> {
    while (next < n) {
      const target = targets[next]!;
      next += 1;
      try {
        const { socket, ms } = await openOne(target, opts.timeoutMs);
        sockets.push(socket);
        latenciesMs.push(ms);
      } catch (err) {
        failures += 1;
        if (failureSamples.size < 5) failureSamples.add((err as Error).message);
      }
    }
  }

  await Promise.all(Array.from({ length: Math.min(opts.concurrency, n) }, lane));
  return { sockets, latenciesMs, totalMs: performance.now() - started, failures, failureSamples: [...failureSamples] };
}

/** What one broadcast looked like from the receiving side. */
export interface BroadcastResult {
  /** Per client that received it: from just before the server's emit to the client's handler, in ms. */
  latenciesMs: number[];
  /** How long the server's emit call itself blocked (encoding once, writing to every socket), in ms. */
  emitMs: number;
  /** Clients that had not received it when the wait ended. */
  missing: number;
}

/**
 * Arms every client for `event`, then calls `send` (the server's emit) and waits until all have
 * it or `timeoutMs` passes. Server and clients share this process, so one `performance.now()`
 * clock timestamps both ends; the payload's own `at` is the wall-clock send time, in ms only.
 */
export function awaitBroadcast(
  sockets: Socket[],
  event: string,
  send: () => void,
  timeoutMs: number,
): Promise<BroadcastResult> {
  const latenciesMs: number[] = [];
  let sentAt = 0;
  let emitMs = 0;
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      if (timer) clearTimeout(timer);
      for (const s of sockets) s.off(event);
      resolve({ latenciesMs, emitMs, missing: sockets.length - latenciesMs.length });
    };
    for (const s of sockets) {
      s.once(event, () => {
        latenciesMs.push(performance.now() - sentAt);
        if (latenciesMs.length === sockets.length) finish();
      });
    }
    timer = setTimeout(finish, timeoutMs);
    sentAt = performance.now();
    send();
    emitMs = performance.now() - sentAt;
    if (sockets.length === 0) finish();
  });
}

/** Closes every client; with `forceNew` each owns its Manager, which closes its websocket too. */
export async function closeAll(sockets: Socket[]): Promise<void> {
  await Promise.all(
    sockets.map(
      (s) =>
        new Promise<void>((resolve) => {
          if (!s.connected) return resolve();
          s.once('disconnect', () => resolve());
          s.close();
        }),
    ),
  );
}
