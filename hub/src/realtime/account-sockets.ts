import type { RevokeReason } from '../protocol/index.ts';

/**
 * What administration and account changes do to open sockets, on every node (realtime-server
 * provides it; services call it after their transaction committed).
 */
export interface AccountSockets {
  /**
   * Closes a person's sockets without ending their session: the client reconnects at once and
   * joins the rooms of its new unit and role (see the comment on `rooms.unitRole`).
   */
  reconnect(userIds: string[]): void;
  /** Tells a person's sockets why their session ended, and closes them. */
  endUser(userId: string, reason: RevokeReason): void;
  /** The same for particular sessions (the others stay). */
  endSessions(sessionIds: string[], reason: RevokeReason): void;
}
