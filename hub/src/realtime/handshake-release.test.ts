import type { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoLogin, login, startTestHub, type TestHub, type TestSocket } from '../../test-support/index.ts';
import type { HubSocket } from './types.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Collects garbage until `ref` is cleared, a few turns at most: true when it was. */
async function collected(ref: WeakRef<object>): Promise<boolean> {
  for (let turn = 0; turn < 10 && ref.deref() !== undefined; turn += 1) {
    // A WeakRef keeps its target through the job that read it: let the job end first.
    await new Promise(setImmediate);
    gc();
  }
  return ref.deref() === undefined;
}

const once = (emitter: { once(event: string, fn: () => void): unknown }, event: string) =>
  new Promise<void>((resolve) => emitter.once(event, () => resolve()));

/**
 * A real client presenting a session token, websocket only or polling first and then upgraded, and
 * its socket on the server; resolves once connected and, with polling first, once the server has
 * the upgraded websocket.
 */
async function open(
  t: TestHub,
  token: string,
  transports: readonly ('polling' | 'websocket')[],
): Promise<{ client: TestSocket; server: HubSocket }> {
  const client: TestSocket = io(t.url, {
    transports: [...transports],
    reconnection: false,
    forceNew: true,
    auth: { token },
    extraHeaders: { origin: t.url },
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', resolve);
    client.once('connect_error', reject);
  });
  const server = t.hub.realtime.io.of('/').sockets.get(client.id!)!;
  if (server.conn.transport.name !== 'websocket') await once(server.conn, 'upgrade');
  return { client, server };
}

/**
 * The request that opened a connection is let go once it has connected: engine.io's `conn.request`,
 * the handshake built from it, and the raw socket's `close` listener that engine.io's stand-in
 * upgrade response adds, which closes over the request. Real clients over real sockets; the
 * upgrade request is watched through a WeakRef and must be collectable.
 */
describe('handshake release', () => {
  let t: TestHub;
  let token: string;
  // Every websocket upgrade request the engine sees (the first request or a polling client's upgrade), weakly.
  const upgrades: WeakRef<IncomingMessage>[] = [];

  beforeAll(async () => {
    t = await startTestHub();
    token = (await login(t.url, await demoLogin(t.hub, 'officer'))).token;
    t.hub.realtime.io.engine.use((req: IncomingMessage, _res: unknown, next: () => void) => {
      if (req.url?.includes('transport=websocket')) upgrades.push(new WeakRef(req));
      next();
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  for (const transports of [['websocket'], ['polling', 'websocket']] as const) {
    it(`lets go of the request, keeps commands and cleanup working (${transports.join(' → ')})`, async () => {
      const seen = upgrades.length;
      const [{ client: a, server: sa }, { client: b, server: sb }] = await Promise.all([
        open(t, token, transports),
        open(t, token, transports),
      ]);
      expect(upgrades.length).toBe(seen + 2);

      // engine.io's request is gone; the handshake is one shared, frozen object without credentials.
      expect(sa.conn.request).toBeUndefined();
      expect(sa.handshake).toBe(sb.handshake);
      expect(Object.isFrozen(sa.handshake)).toBe(true);
      expect(JSON.stringify(sa.handshake)).not.toContain(token.split('.')[1]!);
      // Nothing holds the upgrade requests any more: not the engine, nor a listener on the raw socket.
      expect(await collected(upgrades[seen]!)).toBe(true);
      expect(await collected(upgrades[seen + 1]!)).toBe(true);
      // engine.io's no-op listener from the upgrade is gone from the websocket; the transport's own stays.
      const websocket = (sa.conn.transport as unknown as { socket: EventEmitter }).socket;
      expect(websocket.listeners('error').map((l) => l.name)).not.toContain('onUpgradeError');
      expect(websocket.listenerCount('error')).toBe(1);

      // Commands still work over the connection.
      const pong = await a.timeout(5000).emitWithAck('system:ping', { echo: 'after release' });
      expect(pong).toMatchObject({ ok: true, echo: 'after release' });

      // A client that closes is cleaned up on the server (engine.io counts it out first on its close).
      const gone = [once(sa.conn, 'close'), once(sb.conn, 'close')];
      a.close();
      b.close();
      await Promise.all(gone);
      expect(t.hub.realtime.io.engine.clientsCount).toBe(0);
    });
  }

  it('closes released connections when the server closes', async () => {
    const own = await startTestHub();
    let closed = false;
    try {
      const ownToken = (await login(own.url, await demoLogin(own.hub, 'officer'))).token;
      const sockets = await Promise.all([
        open(own, ownToken, ['websocket']),
        open(own, ownToken, ['polling', 'websocket']),
      ]);
      expect(sockets.every((s) => s.server.conn.request === undefined)).toBe(true);
      const dropped = sockets.map((s) => once(s.client, 'disconnect'));
      closed = true;
      await own.close();
      await Promise.all(dropped);
      expect(own.hub.realtime.io.engine.clientsCount).toBe(0);
    } finally {
      if (!closed) await own.close();
    }
  });
});
