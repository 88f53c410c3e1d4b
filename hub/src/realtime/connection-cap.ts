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
 * handshakes racing in parallel cannot all slip under the cap. It is given back exactly once:
 * by the realtime server's shared disconnect handler (`release`) for a socket that connected, or,
 * for one whose transport closed between the middleware and the connection (Socket.IO then never
 * connects it, and never says so), by a close listener that exists only for that moment: a
 * connected socket carries nothing of the cap.
 */
export function createConnectionCap(caps: { perPerson: number; perBot: number }) {
  const open = new Map<string, number>();
  /** Places taken by handshakes not yet connected, and the close listener that gives each back. */
  const pending = new Map<HubSocket, () => void>();

  function giveBack(userId: string): void {
    const n = (open.get(userId) ?? 1) - 1;
    if (n > 0) open.set(userId, n);
    else open.delete(userId);
  }

  return {
    /** Socket.IO middleware; runs after the handshake has set `socket.data.principal`. */
    middleware(socket: HubSocket, next: (err?: ExtendedError) => void): void {
      const principal = socket.data.principal;
      const userId = principal.user.id;
      const cap = principal.kind === 'bot' ? caps.perBot : caps.perPerson;
      const n = open.get(userId) ?? 0;
      if (n >= cap) {
        const e = errors.tooManyConnections(cap);
        const err = new Error(e.message) as ExtendedError;
        err.data = e.toBody();
        return next(err);
      }
      open.set(userId, n + 1);
      const closedFirst = () => {
        pending.delete(socket);
        giveBack(userId);
      };
      pending.set(socket, closedFirst);
      socket.conn.once('close', closedFirst);
      next();
    },
    /** The socket connected: from now on `release` gives its place back, when it disconnects. */
    connected(socket: HubSocket): void {
      const closedFirst = pending.get(socket);
      if (!closedFirst) return;
      pending.delete(socket);
      socket.conn.off('close', closedFirst);
    },
    /** A connected socket disconnected. */
    release(socket: HubSocket): void {
      giveBack(socket.data.principal.user.id);
    },
  };
}
