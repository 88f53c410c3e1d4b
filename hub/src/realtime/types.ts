import type { Server, Socket } from 'socket.io';
import type { Person } from '../auth/people.ts';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents } from '../protocol/index.ts';

/**
 * What a socket keeps of the person behind it: the ids and the few facts its commands and rooms
 * read, not the whole row (every byte here is paid once per connection, 20,000 times on a node).
 */
export type SocketPerson = Pick<Person, 'id' | 'name' | 'role' | 'unit_id' | 'password_change_required'>;

/** A socket's principal: who, and through which credential (its id only). */
export type SocketPrincipal =
  { kind: 'session'; user: SocketPerson; sessionId: string } | { kind: 'bot'; user: SocketPerson; tokenId: string };

/** What the handshake attaches to each socket. */
export interface SocketData {
  principal: SocketPrincipal;
  /** Commands awaiting their answer, and the expensive reads among them (see command-limits). */
  inFlight?: number;
  readsInFlight?: number;
  /** Client-fault logging of this socket is muted until then; how many lines were left out meanwhile. */
  logMutedUntil?: number;
  logSuppressed?: number;
}

export type HubServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type HubSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** Room names, in one place so every module agrees. */
export const rooms = {
  user: (userId: string) => `user:${userId}`,
  /** A bot's sockets opened with one token: revoking the token closes them. */
  botToken: (tokenId: string) => `bot-token:${tokenId}`,
  /**
   * Everyone of one role in one unit (not below it): an order to a unit subtree is a handful of
   * these. Joined at connect, so it holds only while a socket's unit and role stay fixed: code that
   * changes either must close the person's sockets (AccountSockets.reconnect, as administration
   * does; the credential keep-alive catches a change whose close was lost), as disabling does.
   */
  unitRole: (unitId: string, role: string) => `unit:${unitId}:${role}`,
};
