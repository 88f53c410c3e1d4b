import { demoLogin, login, startTestHub } from '@fengqiao/hub/test-support';
import type { ServerToClientEvents } from '@fengqiao/hub/protocol';
import { startBaselineServer } from './baseline-server.ts';

/** Which server a run measures. */
export type TargetName = 'baseline' | 'hub';

/** The broadcast payload: the hub's `system:announced` shape, sent by both servers alike. */
export type Announcement = Parameters<ServerToClientEvents['system:announced']>[0];
export const BROADCAST_EVENT = 'system:announced' satisfies keyof ServerToClientEvents;

/** A server under test, running in this process, seen the way the harness needs it. */
export interface Target {
  name: TargetName;
  url: string;
  /** The handshake `auth` every client sends (the same bytes to both servers). */
  auth: Record<string, string>;
  /** Sockets the server itself counts as connected. */
  serverClients(): number;
  /** Emits one announcement to every connected socket. */
  broadcast(payload: Announcement): void;
  close(): Promise<void>;
}

/**
 * Starts the named server on 127.0.0.1. For the hub: a fresh store with the demo data and ONE
 * officer logged in once; every client reuses that session token, so the run measures the
 * handshake's session check, not argon2 (and the hub's per-person socket cap is lifted).
 */
export async function startTarget(name: TargetName): Promise<Target> {
  if (name === 'baseline') {
    const base = await startBaselineServer();
    // Shaped like a hub session token (24 + 1 + 24 chars) so both handshakes carry as many bytes.
    const token = `${'b'.repeat(24)}.${'b'.repeat(24)}`;
    return {
      name,
      url: base.url,
      auth: { token },
      serverClients: () => base.io.engine.clientsCount,
      broadcast: (payload) => base.io.emit(BROADCAST_EVENT, payload),
      close: base.close,
    };
  }
  // Every client is the same officer: lift the per-person socket cap (20 by default) for this run.
  const hub = await startTestHub({ env: { MAX_SOCKETS_PER_PERSON: '1000000' } });
  // The hub listens on 127.0.0.1 but names itself `localhost`; talk to the address it listens on.
  const url = hub.url.replace('//localhost:', '//127.0.0.1:');
  try {
    const session = await login(url, await demoLogin(hub.hub, 'officer'));
    const io = hub.hub.realtime.io;
    return {
      name,
      url,
      auth: { token: session.token },
      serverClients: () => io.engine.clientsCount,
      broadcast: (payload) => io.emit(BROADCAST_EVENT, payload),
      close: hub.close,
    };
  } catch (err) {
    await hub.close();
    throw err;
  }
}
