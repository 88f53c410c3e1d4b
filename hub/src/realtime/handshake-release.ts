import type { EventEmitter } from 'node:events';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import type { HubServer, HubSocket } from './types.ts';

type Listener = (...args: unknown[]) => void;

/**
 * What every connected socket's `handshake` becomes: one object, shared and frozen. The hub reads
 * the handshake only in its middleware (handshake.ts), before the socket connects; the peer's
 * address stays on `socket.conn.remoteAddress`. Empty, it also keeps the credentials the handshake
 * carried (cookie, auth.token) out of `fetchSockets()` answers, which cross Redis.
 */
const RELEASED_HANDSHAKE = Object.freeze({
  headers: Object.freeze({}),
  time: '',
  address: '',
  xdomain: false,
  secure: false,
  issued: 0,
  url: '',
  query: Object.freeze({}),
  auth: Object.freeze({}),
}) as HubSocket['handshake'];

/**
 * Lets go of the HTTP request that opened each connection, which Socket.IO and engine.io would
 * otherwise keep for the connection's life (about 1.2 KB each, with its headers and a response):
 * - engine.io keeps the first request as `conn.request` and builds `socket.handshake` from it;
 *   `release` drops both once the socket has connected;
 * - on a WebSocket upgrade (the first request, or a polling client's upgrade), engine.io wraps
 *   the raw TCP socket in a stand-in response whose constructor adds a `close` listener to that
 *   socket, closing over the response and so over the request. Nothing of the hub listens to that
 *   response, so an engine middleware removes the `close` listeners added since the upgrade began
 *   (recorded by an `upgrade` listener that runs before engine.io's). Any engine middleware makes
 *   engine.io refuse WebTransport sessions; the hub serves polling and websocket only;
 * - on a connection opened by a websocket, engine.io leaves its no-op `onUpgradeError` listener
 *   (and the scope it closes over) on the websocket for good; its transport has its own.
 */
export function createHandshakeRelease(httpServer: HttpServer, io: HubServer) {
  // Per upgrade request until its middleware runs: the `close` listeners its socket had before.
  const closeListenersBefore = new WeakMap<IncomingMessage, Listener[]>();
  httpServer.prependListener('upgrade', (req: IncomingMessage, socket: Duplex) => {
    closeListenersBefore.set(req, socket.listeners('close') as Listener[]);
  });
  io.engine.use((req: IncomingMessage, _res: unknown, next: (err?: Error) => void) => {
    const before = closeListenersBefore.get(req);
    if (before) {
      closeListenersBefore.delete(req);
      for (const listener of req.socket.listeners('close') as Listener[])
        if (!before.includes(listener)) req.socket.removeListener('close', listener);
    }
    next();
  });

  return {
    /** After the connection's own handlers ran: the socket no longer holds its handshake request. */
    release(socket: HubSocket): void {
      (socket.conn as { request?: unknown }).request = undefined;
      (socket as { handshake: HubSocket['handshake'] }).handshake = RELEASED_HANDSHAKE;
      // A polling transport has no websocket (an upgrade later removes that listener itself).
      const websocket = (socket.conn.transport as { socket?: EventEmitter }).socket;
      for (const listener of websocket?.listeners('error') ?? [])
        if (listener.name === 'onUpgradeError') websocket!.removeListener('error', listener as Listener);
    },
  };
}
