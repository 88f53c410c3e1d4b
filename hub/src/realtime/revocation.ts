import type { RevokeReason } from '../protocol/index.ts';
import type { PrincipalCache } from './principal-cache.ts';
import { rooms, type HubServer } from './types.ts';

/**
 * Closing the sockets of ended credentials and changed people, on every node, and dropping their
 * cached principals first (each node drops before it closes, so a reconnect reads the store). The
 * one way every such path reaches the sockets: sign-out, password change, disable, unit or role
 * change, session expiry, the credential keep-alive.
 */
export function createRevocation(deps: { io: HubServer; crossNode: boolean; principals: PrincipalCache }) {
  const { io, crossNode, principals } = deps;

  /** Tells a room's sockets why, then closes them, on every node. */
  function revoke(room: string, reason: RevokeReason): void {
    io.to(room).emit('session:revoked', { reason });
    io.in(room).disconnectSockets(true);
  }

  /**
   * This node's part of ending sessions. Sessions have no room of their own (a room costs a Set
   * and a Map entry per socket): the node looks through its sockets, once per batch.
   */
  function endLocalSessions(sessionIds: string[], reason: RevokeReason): void {
    principals.forget({ sessionIds });
    const ended = new Set(sessionIds);
    for (const socket of io.of('/').sockets.values()) {
      const p = socket.data.principal;
      if (p?.kind !== 'session' || !ended.has(p.sessionId)) continue;
      socket.emit('session:revoked', { reason });
      socket.disconnect(true);
    }
  }
  if (crossNode) {
    io.on('sessions:end', (m) => endLocalSessions(m.sessionIds, m.reason));
    io.on('principals:forget', (m) => principals.forget(m));
  }

  /** Drops people's cached principals on every node, before their sockets are closed (same channel, in order). */
  function forgetPeople(userIds: string[]): void {
    principals.forget({ userIds });
    if (crossNode) io.serverSideEmit('principals:forget', { userIds });
  }

  return {
    /** Tells these sessions' sockets why their session ended, and closes them, on every node. */
    endSessions(sessionIds: string[], reason: RevokeReason): void {
      if (!sessionIds.length) return;
      if (crossNode) io.serverSideEmit('sessions:end', { sessionIds, reason });
      endLocalSessions(sessionIds, reason);
    },
    /** The same for all of these people's sockets (disabled, password reset). */
    endUsers(userIds: string[], reason: RevokeReason): void {
      if (!userIds.length) return;
      forgetPeople(userIds);
      for (const id of userIds) revoke(rooms.user(id), reason);
    },
    endBotTokens(tokenIds: string[]): void {
      for (const id of tokenIds) revoke(rooms.botToken(id), 'token_revoked');
    },
    /** Closes people's sockets on every node without ending their sessions: they reconnect as they now are. */
    reconnect(userIds: string[]): void {
      if (!userIds.length) return;
      forgetPeople(userIds);
      io.in(userIds.map(rooms.user)).disconnectSockets(true);
    },
  };
}
export type Revocation = ReturnType<typeof createRevocation>;
