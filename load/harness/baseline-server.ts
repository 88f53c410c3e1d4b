import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type ServerOptions } from 'socket.io';
import { LISTEN_BACKLOG } from '../../hub/src/http/listen-backlog.ts';

/** A running plain Socket.IO server. */
export interface BaselineServer {
  url: string;
  io: Server;
  close(): Promise<void>;
}

/**
 * The yardstick: plain Socket.IO on loopback with the hub's transport settings (its listen backlog
 * included) but no middleware, no rooms and no handlers, so hub/baseline isolates what the hub adds
 * per connection.
 * `adapter` is for several baseline nodes behind Redis, set up as the hub sets up its own.
 */
export async function startBaselineServer(
  opts: { adapter?: ServerOptions['adapter'] | undefined } = {},
): Promise<BaselineServer> {
  const httpServer = createServer();
  const io = new Server(httpServer, {
    serveClient: false,
    pingInterval: 20_000,
    pingTimeout: 20_000,
    ...(opts.adapter ? { adapter: opts.adapter } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen({ port: 0, host: '127.0.0.1', backlog: LISTEN_BACKLOG }, () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    io,
    async close() {
      io.disconnectSockets(true);
      // io.close() closes the http server as well.
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
