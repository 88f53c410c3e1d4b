import type { ZodType } from 'zod';
import { errors, failure, toHubError } from '../errors.ts';
import { parse } from '../validate.ts';
import type { Logger } from '../logger.ts';
import type { ClientToServerEvents, Failure } from '../protocol/index.ts';
import type { HubSocket } from './types.ts';

type AckOf<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[1];
type AckBody<E extends keyof ClientToServerEvents> = Exclude<Parameters<AckOf<E>>[0], Failure>;
type Payload<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[0];

export interface HandlerContext {
  socket: HubSocket;
  log: Logger;
}

/** Hooks the socket layer uses to count events and measure handling, without knowing the metrics library. */
export interface HandlerObserver {
  onEvent(event: string, ok: boolean): void;
}

/**
 * Registers a command handler that validates before anything else happens: the payload against its
 * protocol schema and its size against the limit. Every outcome is answered through the ack (or a
 * `request:failed` event when the client sent none); no exception escapes to Socket.IO.
 */
export function defineHandler<E extends keyof ClientToServerEvents>(
  ctx: HandlerContext & { maxPayloadBytes: number; observer: HandlerObserver },
  event: E,
  schema: ZodType<Payload<E>>,
  handle: (payload: Payload<E>) => Promise<Omit<AckBody<E>, 'ok'>>,
): void {
  const { socket, log } = ctx;
  const listener = async (...args: unknown[]) => {
    const last = args[args.length - 1];
    const ack = typeof last === 'function' ? (last as (res: unknown) => void) : undefined;
    const respond = (res: unknown) => {
      if (ack) ack(res);
      else if (typeof res === 'object' && res !== null && 'error' in res) {
        socket.emit('request:failed', { event, error: (res as Failure).error });
      }
    };
    try {
      const raw = args[0];
      const size = Buffer.byteLength(JSON.stringify(raw ?? null));
      if (size > ctx.maxPayloadBytes) throw errors.tooLarge(ctx.maxPayloadBytes);
      const body = await handle(parse(schema, raw));
      ctx.observer.onEvent(event, true);
      respond({ ok: true, ...body });
    } catch (err) {
      const e = toHubError(err);
      if (e.code === 'internal') log.error({ err: e.cause ?? e, event }, 'socket handler failed');
      ctx.observer.onEvent(event, false);
      respond(failure(e));
    }
  };
  socket.on(event, listener as never);
}
