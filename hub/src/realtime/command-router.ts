import type { ZodType } from 'zod';
import type { Actor } from '../auth/permissions.ts';
import { actorOf } from '../auth/authenticator.ts';
import { errors, failure, toHubError, type HubError } from '../errors.ts';
import { assertPayload, parse } from '../validate.ts';
import type { Logger } from '../logger.ts';
import type { ClientToServerEvents, ErrorCode, Failure } from '../protocol/index.ts';
import { mustChangePassword } from '../auth/authenticator.ts';
import type { CommandLimits } from './command-limits.ts';
import type { HubSocket } from './types.ts';

type AckOf<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[1];
type AckBody<E extends keyof ClientToServerEvents> = Exclude<Parameters<AckOf<E>>[0], Failure>;
type Payload<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[0];

/** Who sent a command, and on which socket. */
export interface CommandContext {
  socket: HubSocket;
  actor: Actor;
}

export type CommandHandler<E extends keyof ClientToServerEvents> = (
  payload: Payload<E>,
  ctx: CommandContext,
) => Promise<Omit<AckBody<E>, 'ok'>>;

/** Registers a command once, for every socket. */
export type Define = <E extends keyof ClientToServerEvents>(
  event: E,
  schema: ZodType<Payload<E>>,
  handle: CommandHandler<E>,
) => void;

/** Hooks the socket layer uses to count events, without knowing the metrics library. */
export interface CommandObserver {
  /** After each command; `body` is the answer of one that succeeded. */
  onEvent(event: string, ok: boolean, body?: object): void;
}

/** A client's own fault, worth a (muted) warning: a probe or a broken client, never the hub's. */
const CLIENT_FAULTS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'validation_failed',
  'payload_too_large',
  'unknown_event',
  'rate_limited',
]);
/** One socket logs at most one line per this interval; the next one counts the lines left out. */
const LOG_INTERVAL_MS = 10_000;

type Ack = (res: unknown) => void;

/** Sends a command's outcome: through its ack, or, for a failure the client asked no ack for, as `request:failed`. */
function answer(socket: HubSocket, event: string, ack: Ack | undefined, res: { ok: true } | Failure): void {
  if (ack) ack(res);
  else if (!res.ok) socket.emit('request:failed', { event: event.slice(0, 64), error: res.error });
}

interface Route {
  schema: ZodType<unknown>;
  handle: (payload: unknown, ctx: CommandContext) => Promise<object>;
}

/**
 * Every client command, in one table shared by all sockets: a socket carries one listener (the
 * router's), not a closure per command, which would cost kilobytes per connection at 50 commands.
 * Each command is admitted first (in-flight bounds, signal rates: see command-limits), then
 * validated (its nesting depth, its size against the limit, its payload against its protocol
 * schema), and every outcome is answered through the ack, or a `request:failed` event when the
 * client sent none; no exception escapes to Socket.IO. Failures are logged per socket at most once
 * per interval, so a client cannot flood the logs.
 */
export function createCommandRouter(opts: {
  log: Logger;
  maxPayloadBytes: number;
  observer: CommandObserver;
  limits: CommandLimits;
}) {
  const routes = new Map<string, Route>();
  // For a graceful stop: how many commands are still running (a number, not a set of their
  // promises: no entry and no extra promise per command), whether new ones are refused, and who
  // waits for the last one to end.
  let running = 0;
  let draining = false;
  let idle: (() => void) | undefined;

  function logFailure(socket: HubSocket, event: string, e: HubError): void {
    const internal = e.code === 'internal';
    if (!internal && !CLIENT_FAULTS.has(e.code)) return;
    const d = socket.data;
    const t = Date.now();
    if ((d.logMutedUntil ?? 0) > t) {
      d.logSuppressed = (d.logSuppressed ?? 0) + 1;
      return;
    }
    const fields = {
      socket: socket.id,
      userId: d.principal.user.id,
      event: event.slice(0, 64),
      code: e.code,
      suppressed: d.logSuppressed ?? 0,
    };
    d.logMutedUntil = t + LOG_INTERVAL_MS;
    d.logSuppressed = 0;
    if (internal) opts.log.error({ ...fields, err: e.cause ?? e }, 'socket handler failed');
    else opts.log.warn(fields, 'socket command refused');
  }

  async function run(socket: HubSocket, event: string, args: unknown[]): Promise<void> {
    const last = args[args.length - 1];
    const ack = typeof last === 'function' ? (last as Ack) : undefined;
    // With only an ack, args[0] is the ack itself: the payload is missing, not a function.
    const raw = ack && args.length === 1 ? undefined : args[0];
    const route = routes.get(event);
    let admitted = false;
    try {
      if (!route) throw errors.unknownEvent(event);
      if (draining) throw errors.stopping();
      // A temporary password: nothing but the password change (REST) until it is changed.
      if (mustChangePassword(socket.data.principal)) throw errors.passwordChangeRequired();
      const refused = opts.limits.admit(socket, event);
      if (refused) throw refused;
      admitted = true;
      assertPayload(raw, opts.maxPayloadBytes);
      const body = await route.handle(parse(route.schema, raw), { socket, actor: actorOf(socket.data.principal) });
      opts.observer.onEvent(event, true, body);
      answer(socket, event, ack, { ok: true, ...body });
    } catch (err) {
      const e = toHubError(err);
      logFailure(socket, event, e);
      opts.observer.onEvent(route ? event : '(unknown)', false);
      answer(socket, event, ack, failure(e));
    } finally {
      if (admitted) opts.limits.release(socket, event);
      running -= 1;
      if (running === 0) idle?.();
    }
  }

  return {
    define: ((event, schema, handle) => {
      if (routes.has(event)) throw new Error(`command ${event} defined twice`);
      routes.set(event, { schema: schema as ZodType<unknown>, handle: handle as Route['handle'] });
    }) as Define,
    /** The listener each socket gets through `socket.onAny`: Socket.IO calls it with the socket as `this`. */
    listener(this: HubSocket, event: unknown, ...args: unknown[]): void {
      running += 1;
      void run(this, String(event), args);
    },
    /** Refuses new commands (retryable `unavailable`) and waits up to `maxMs` for those running. */
    async drain(maxMs: number): Promise<{ unfinished: number }> {
      draining = true;
      if (running > 0) {
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => {
          idle = resolve;
          timer = setTimeout(resolve, maxMs);
        });
        clearTimeout(timer);
      }
      return { unfinished: running };
    },
  };
}
