import type { ZodType } from 'zod';
import type { Actor } from '../auth/permissions.ts';
import { actorOf } from '../auth/authenticator.ts';
import { errors, failure, toHubError } from '../errors.ts';
import { parse } from '../validate.ts';
import type { Logger } from '../logger.ts';
import type { ClientToServerEvents, Failure } from '../protocol/index.ts';
import type { HubSocket } from './types.ts';

type AckOf<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[1];
type AckBody<E extends keyof ClientToServerEvents> = Exclude<Parameters<AckOf<E>>[0], Failure>;
type Payload<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[0];

/** Who sent a command, and on which socket. */
export interface CommandContext {
  socket: HubSocket;
  actor: Actor;
}

export type CommandHandler<E extends keyof ClientToServerEvents> = (payload: Payload<E>, ctx: CommandContext) => Promise<Omit<AckBody<E>, 'ok'>>;

/** Registers a command once, for every socket. */
export type Define = <E extends keyof ClientToServerEvents>(event: E, schema: ZodType<Payload<E>>, handle: CommandHandler<E>) => void;

/** Hooks the socket layer uses to count events, without knowing the metrics library. */
export interface CommandObserver {
  onEvent(event: string, ok: boolean): void;
}

interface Route {
  schema: ZodType<unknown>;
  handle: (payload: unknown, ctx: CommandContext) => Promise<object>;
}

/**
 * Every client command, in one table shared by all sockets: a socket carries one listener (the
 * router's), not a closure per command, which would cost kilobytes per connection at 50 commands.
 * Each command is validated before anything else happens (its size against the limit, its payload
 * against its protocol schema) and every outcome is answered through the ack, or a
 * `request:failed` event when the client sent none; no exception escapes to Socket.IO.
 */
export function createCommandRouter(opts: { log: Logger; maxPayloadBytes: number; observer: CommandObserver }) {
  const routes = new Map<string, Route>();
  // For a graceful stop: commands still running, and whether new ones are refused.
  const inFlight = new Set<Promise<void>>();
  let draining = false;

  async function run(socket: HubSocket, event: string, args: unknown[]): Promise<void> {
    const last = args[args.length - 1];
    const ack = typeof last === 'function' ? (last as (res: unknown) => void) : undefined;
    const respond = (res: unknown) => {
      if (ack) ack(res);
      else if (typeof res === 'object' && res !== null && 'error' in res) {
        socket.emit('request:failed', { event: event.slice(0, 64), error: (res as Failure).error });
      }
    };
    const route = routes.get(event);
    try {
      if (!route) throw errors.unknownEvent(event);
      if (draining) throw errors.stopping();
      const raw = args[0];
      const size = Buffer.byteLength(JSON.stringify(raw ?? null));
      if (size > opts.maxPayloadBytes) throw errors.tooLarge(opts.maxPayloadBytes);
      const body = await route.handle(parse(route.schema, raw), { socket, actor: actorOf(socket.data.principal) });
      opts.observer.onEvent(event, true);
      respond({ ok: true, ...body });
    } catch (err) {
      const e = toHubError(err);
      if (e.code === 'internal') opts.log.error({ err: e.cause ?? e, event }, 'socket handler failed');
      opts.observer.onEvent(route ? event : '(unknown)', false);
      respond(failure(e));
    }
  }

  return {
    define: ((event, schema, handle) => {
      if (routes.has(event)) throw new Error(`command ${event} defined twice`);
      routes.set(event, { schema: schema as ZodType<unknown>, handle: handle as Route['handle'] });
    }) as Define,
    /** The listener each socket gets through `socket.onAny`: Socket.IO calls it with the socket as `this`. */
    listener(this: HubSocket, event: unknown, ...args: unknown[]): void {
      const running = run(this, String(event), args);
      inFlight.add(running);
      void running.finally(() => inFlight.delete(running));
    },
    /** Refuses new commands (retryable `unavailable`) and waits up to `maxMs` for those running. */
    async drain(maxMs: number): Promise<{ unfinished: number }> {
      draining = true;
      const wait = new Promise<void>((r) => setTimeout(r, maxMs).unref());
      await Promise.race([Promise.allSettled([...inFlight]), wait]);
      return { unfinished: inFlight.size };
    },
  };
}
