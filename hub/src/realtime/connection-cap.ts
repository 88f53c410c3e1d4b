import type { ExtendedError } from 'socket.io';
import { errors } from '../errors.ts';
import type { HubSocket } from './types.ts';

/**
 * Caps one person's open sockets on this node (bots get their own, higher cap), refusing the
 * excess at the handshake with `connect_error` data `{ code: 'too_many_connections', message }`.
 *
 * Per node, not cluster-wide: what a socket costs (memory, a file descriptor, fan-out work) is
 * this node's, and a cross-node counter in Redis would leak the places of a node that dies
 * without a lease to expire them. Behind N nodes a person holds at most N × the cap.
 *
 * A place is taken in the middleware, after authentication, synchronously with the check, so
 * handshakes racing in parallel cannot all slip under the cap; it is given back once, when the
 * socket disconnects or its transport closes before it ever connected.
 */
export function createConnectionCap(caps: { perPerson: number; perBot: number }) {
  const open = new Map<string, number>();

  function release(socket: HubSocket): void {
    if (!socket.data.counted) return;
    socket.data.counted = false;
    const userId = socket.data.principal.user.id;
    const n = (open.get(userId) ?? 1) - 1;
    if (n > 0) open.set(userId, n);
    else open.delete(userId);
  }

  return {
    /** Socket.IO middleware; runs after the handshake has set `socket.data.principal`. */
    middleware(socket: HubSocket, next: (err?: ExtendedError) => void): void {
      const principal = socket.data.principal;
      const cap = principal.kind === 'bot' ? caps.perBot : caps.perPerson;
      const n = open.get(principal.user.id) ?? 0;
      if (n >= cap) {
        const e = errors.tooManyConnections(cap);
        const err = new Error(e.message) as ExtendedError;
        err.data = e.toBody();
        return next(err);
      }
      open.set(principal.user.id, n + 1);
      socket.data.counted = true;
      socket.once('disconnect', () => release(socket));
      socket.client.conn.once('close', () => release(socket));
      next();
    },
  };
}
