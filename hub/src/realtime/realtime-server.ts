import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { AccountSockets } from './account-sockets.ts';
import type { Authenticator } from '../auth/authenticator.ts';
import type { CredentialCheck } from '../auth/credential-check.ts';
import type { SocketLimits } from '../config.ts';
import { can } from '../auth/permissions.ts';
import { errors } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../http/metrics.ts';
import { meterEmits } from '../http/metrics-emits.ts';
import { observeCommands } from '../http/metrics-commands.ts';
import { pingPayload, presenceQueryPayload, type RevokeReason } from '../protocol/schemas.ts';
import type { FanoutBackend } from './adapter.ts';
import { createCommandLimits } from './command-limits.ts';
import { createCommandRouter, type Define } from './command-router.ts';
import { watchCredentials } from './credential-watch.ts';
import { createConnectionCap } from './connection-cap.ts';
import { handshakeMiddleware } from './handshake.ts';
import { createHandshakeRelease } from './handshake-release.ts';
import { createPrincipalCache } from './principal-cache.ts';
import { createRevocation } from './revocation.ts';
import { setNodeCookieOnHandshake } from './node-cookie.ts';
import { sharedString } from './shared-strings.ts';
import { rooms, type HubServer, type HubSocket } from './types.ts';

export interface RealtimeOptions {
  httpServer: HttpServer;
  auth: Authenticator;
  /** Slides the sessions of open sockets (a socket is use) and finds credentials that ended since. */
  checkCredentials: CredentialCheck;
  /** How often that runs: often enough that a session with an open socket never idles out. */
  keepAliveMs: number;
  backend: FanoutBackend;
  log: Logger;
  metrics: Metrics;
  nodeId: string;
  publicOrigin: string | undefined;
  maxPayloadBytes: number;
  limits: SocketLimits;
}

/** A domain's part of the socket layer: its commands, defined once, and what each new connection joins. */
export interface SocketModule {
  commands?(define: Define): void;
  /** Per connection: join the domain's rooms. Per-socket state costs memory on every connection; keep it out. */
  connect?(socket: HubSocket): void;
}

/** Rooms of one person or bot token: nobody else joins them, so sharing their names saves nothing. */
const PERSONAL_ROOMS = [rooms.user(''), rooms.botToken('')];

/**
 * Joins keep one copy per node of the name of a room many sockets share (unit × role, groups,
 * desks, boards): the adapter otherwise holds each socket's own copy in that socket's room set.
 */
function shareRoomNames(io: HubServer): void {
  const adapter = io.of('/').adapter;
  const addAll = adapter.addAll.bind(adapter);
  adapter.addAll = (id, names) => {
    const shared = new Set<string>();
    for (const name of names)
      shared.add(name === id || PERSONAL_ROOMS.some((p) => name.startsWith(p)) ? name : sharedString(name));
    return addAll(id, shared);
  };
}

/**
 * Every socket's catch-all listeners: the router's, in one frozen array shared by all sockets.
 * `socket.onAny` would give each socket an array of its own with room for 17 (about 180 bytes per
 * connection). Socket.IO only reads `_anyListeners` when an event comes in (it copies it before
 * calling); frozen, so an `onAny` on a hub socket would throw at once instead of adding a listener
 * to every socket.
 */
function listenToAll(socket: HubSocket, listeners: readonly unknown[]): void {
  (socket as unknown as { _anyListeners: readonly unknown[] })._anyListeners = listeners;
}

/** Transport-level ceiling: a frame above it closes the connection before it is parsed. */
const TRANSPORT_LIMIT_FACTOR = 16;
/** At a graceful stop, how long closing connections may take to write what they still hold. */
const FLUSH_WAIT_MS = 2000;
/**
 * How long a cached principal is used without reading the store again: what bounds staleness if
 * an invalidation were lost while fan-out still looked healthy (a name changed by an import, which
 * closes no socket, shows after it too). Longer than a reconnect storm's round, so one hits.
 */
const PRINCIPAL_TTL_MS = 120_000;
/** Principals a node caches at most: about one per open session socket on a full node. */
const PRINCIPAL_CACHE_ENTRIES = 25_000;

/**
 * The Socket.IO side of the hub: handshake auth, rooms, command handlers, revocation on every node.
 * The server exists before the domains: their notifiers get `io` when they are made, and their
 * socket modules are added with `serve` before the hub listens.
 */
export function createRealtime(opts: RealtimeOptions) {
  const log = opts.log.child({ module: 'realtime' });
  const io: HubServer = new Server(opts.httpServer, {
    // Larger than any valid event so oversize payloads still get an answer (see command-router),
    // small enough that a client cannot make the hub buffer megabytes.
    maxHttpBufferSize: opts.maxPayloadBytes * TRANSPORT_LIMIT_FACTOR,
    serveClient: false,
    pingInterval: 20_000,
    pingTimeout: 20_000,
    ...(opts.backend.adapter ? { adapter: opts.backend.adapter } : {}),
  });

  const principals = createPrincipalCache({
    ttlMs: PRINCIPAL_TTL_MS,
    maxEntries: PRINCIPAL_CACHE_ENTRIES,
    trust: () => opts.backend.trust(),
  });
  const revocation = createRevocation({ io, crossNode: opts.backend.kind === 'redis', principals });

  setNodeCookieOnHandshake(io, opts.nodeId, opts.publicOrigin?.startsWith('https:') ?? false);
  const handshakes = createHandshakeRelease(opts.httpServer, io);
  io.use(handshakeMiddleware({ auth: opts.auth, principals, publicOrigin: opts.publicOrigin, log }));
  const cap = createConnectionCap({ perPerson: opts.limits.socketsPerPerson, perBot: opts.limits.socketsPerBot });
  io.use(cap.middleware);

  const limits = createCommandLimits(opts.limits);
  const router = createCommandRouter({
    log,
    limits,
    maxPayloadBytes: opts.maxPayloadBytes,
    observer: observeCommands(opts.metrics),
  });
  meterEmits(io.of('/'), opts.metrics);
  shareRoomNames(io);
  const anyListeners = Object.freeze([router.listener]);
  router.define('system:ping', pingPayload, async (p) => ({
    echo: p.echo ?? null,
    serverTime: Date.now(),
    node: opts.nodeId,
  }));
  router.define('presence:query', presenceQueryPayload, async (p, { actor }) => {
    if (!can.queryPresence(actor)) throw errors.forbidden('presence is for staff');
    return { online: await onlineAmong(p.userIds) };
  });
  const modules: SocketModule[] = [];

  // One handler for every socket, not a closure each (an `once` adds a wrapper per socket too):
  // a disconnect fires once per connected socket.
  function onDisconnect(this: HubSocket) {
    opts.metrics.socketConnections.dec();
    const principal = this.data.principal;
    if (principal.kind === 'session') principals.renew(principal.sessionId);
    cap.release(this);
    limits.forget(this);
  }
  io.on('connection', (socket) => {
    const principal = socket.data.principal;
    opts.metrics.socketConnections.inc();
    cap.connected(socket);
    socket.on('disconnect', onDisconnect);
    const joined = [rooms.user(principal.user.id), rooms.unitRole(principal.user.unit_id, principal.user.role)];
    // A bot token's room: revoking it closes exactly its sockets (a session's are found without one: revocation.ts).
    if (principal.kind === 'bot') joined.push(rooms.botToken(principal.tokenId));
    void socket.join(joined);
    for (const module of modules) module.connect?.(socket);
    listenToAll(socket, anyListeners);
    handshakes.release(socket);
  });

  /** Which of these people have at least one socket on any node. */
  async function onlineAmong(userIds: string[]): Promise<string[]> {
    const wanted = new Set(userIds);
    const sockets = await io.in([...wanted].map(rooms.user)).fetchSockets();
    const online = new Set<string>();
    for (const s of sockets) if (wanted.has(s.data.principal.user.id)) online.add(s.data.principal.user.id);
    return [...online];
  }

  const { endSessions, endUsers, endBotTokens, reconnect } = revocation;
  const keepAlive = watchCredentials({
    io,
    check: opts.checkCredentials,
    sockets: revocation,
    everyMs: opts.keepAliveMs,
    log,
  });

  /** Administration and account changes, on every node: a changed unit or role reconnects, an ended session is told. */
  const accountSockets: AccountSockets = {
    reconnect,
    endUser: (userId, reason) => endUsers([userId], reason),
    endSessions,
  };

  return {
    io,
    /** Adds the domains' socket commands and what each new connection joins (orders, groups, …). */
    serve(...added: SocketModule[]): void {
      for (const module of added) module.commands?.(router.define);
      modules.push(...added);
    },
    onlineAmong,
    revokeSession: (sessionId: string, reason: RevokeReason) => endSessions([sessionId], reason),
    revokeUser: (userId: string, reason: RevokeReason) => endUsers([userId], reason),
    revokeBotToken: (tokenId: string) => endBotTokens([tokenId]),
    /** Size, hits and misses of the handshake's principal cache (tests). */
    principalCacheStats: principals.stats,
    accountSockets,
    /** One keep-alive pass now (tests; production runs it on a timer). */
    checkCredentials: keepAlive.run,
    /** First step of a graceful stop: new commands are refused, those running finish (bounded). */
    drain: (maxMs: number) => router.drain(maxMs),
    async close(): Promise<void> {
      keepAlive.stop();
      // Only this node's sockets: io.disconnectSockets would close every node's through the adapter.
      // Their last acks and events are still being written: io.close() discards what is unsent, so
      // it waits (bounded) for the connections to finish closing after they flushed.
      const closing = [...io.of('/').sockets.values()].map(
        (s) => new Promise((resolve) => s.conn.once('close', resolve)),
      );
      io.local.disconnectSockets(true);
      await Promise.race([Promise.all(closing), new Promise((resolve) => setTimeout(resolve, FLUSH_WAIT_MS).unref())]);
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
export type Realtime = ReturnType<typeof createRealtime>;
