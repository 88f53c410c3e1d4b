/**
 * Engine.IO v4 / Socket.IO v5 text framing over a bare websocket, for load tools that have a
 * websocket but no socket.io-client (k6). Pure: no k6 or Node imports, so any runtime can drive it.
 *
 * A text frame is `<engine.io type><socket.io type>[<ack id>][<JSON>]`, e.g. `0{...}` (open),
 * `2` (ping), `40` (connect), `42["event",{…}]`, `421["event",{…}]` (with ack id 1), `431[{…}]`.
 */

/** What a socket.io session told its owner. */
export interface SocketIoHandlers {
  /** Writes one text frame to the websocket. */
  send(frame: string): void;
  /** The namespace accepted the connection (`40{"sid":…}`). */
  onConnected(sid: string): void;
  /** The namespace refused it (`44{"message":…,"data":…}`): the hub's handshake refusals land here. */
  onConnectError(message: string, data: unknown): void;
  /** An acknowledgement (`43<id>[…]`) for an event sent with `emit`. */
  onAck(id: number, args: unknown[]): void;
  /** A server event (`42[…]`), e.g. `system:announced`. */
  onEvent?(name: string, args: unknown[]): void;
  /** The server closed the Engine.IO session or disconnected the namespace. */
  onDisconnect?(reason: string): void;
}

/** The parsed Socket.IO part of an Engine.IO message. */
interface SocketIoPacket {
  type: string;
  id: number | undefined;
  data: unknown;
}

/** Splits `<type>[/nsp,][<id>][<json>]`; only the main namespace is used here, so a namespace is skipped. */
function parsePacket(body: string): SocketIoPacket {
  const type = body.charAt(0);
  let i = 1;
  if (body.charAt(i) === '/') {
    const comma = body.indexOf(',', i);
    i = comma === -1 ? body.length : comma + 1;
  }
  let digits = '';
  while (i < body.length && body.charCodeAt(i) >= 48 && body.charCodeAt(i) <= 57) digits += body.charAt(i++);
  const rest = body.slice(i);
  return { type, id: digits ? Number(digits) : undefined, data: rest ? (JSON.parse(rest) as unknown) : undefined };
}

/**
 * A socket.io client session over a websocket the caller owns: feed it every text message; it
 * answers pings, connects the main namespace once the Engine.IO session opens, and numbers acks.
 */
export function createSocketIoSession(handlers: SocketIoHandlers, auth?: Record<string, string>) {
  let nextAckId = 1;
  return {
    /** Handles one text frame from the server. */
    onMessage(frame: string): void {
      switch (frame.charAt(0)) {
        case '0': // Engine.IO open: now connect the main namespace, with auth if any.
          handlers.send(auth ? `40${JSON.stringify(auth)}` : '40');
          return;
        case '2': // Engine.IO ping from the server (v4: the server pings, the client pongs).
          handlers.send('3');
          return;
        case '1':
          handlers.onDisconnect?.('transport close');
          return;
        case '4':
          break;
        default:
          return;
      }
      const packet = parsePacket(frame.slice(1));
      switch (packet.type) {
        case '0':
          handlers.onConnected(String((packet.data as { sid?: unknown } | undefined)?.sid ?? ''));
          return;
        case '4': {
          const err = (packet.data ?? {}) as { message?: unknown; data?: unknown };
          handlers.onConnectError(String(err.message ?? 'connect_error'), err.data);
          return;
        }
        case '3':
          if (packet.id !== undefined) handlers.onAck(packet.id, Array.isArray(packet.data) ? packet.data : []);
          return;
        case '2':
          if (Array.isArray(packet.data)) handlers.onEvent?.(String(packet.data[0]), packet.data.slice(1));
          return;
        case '1':
          handlers.onDisconnect?.('io server disconnect');
          return;
      }
    },

    /** Sends an event with an acknowledgement request; returns the ack id to match in `onAck`. */
    emit(event: string, payload: unknown): number {
      const id = nextAckId++;
      handlers.send(`42${id}${JSON.stringify([event, payload])}`);
      return id;
    },
  };
}
