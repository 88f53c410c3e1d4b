import type { Result } from './error-codes.ts';
import type { ErrorBody } from './error-codes.ts';
import type { PingPayload, PresenceQueryPayload } from './schemas.ts';

/** Why the hub closed a session's sockets. */
export type RevokeReason = 'logged_out' | 'account_disabled' | 'session_expired';

/** Events the hub emits to clients: facts, named in the past tense. */
export interface ServerToClientEvents {
  /** The socket's session ended; the client stops reconnecting and shows the log-in page. */
  'session:revoked': (payload: { reason: RevokeReason }) => void;
  /** An event the client sent without an acknowledgement callback failed. */
  'request:failed': (payload: { event: string; error: ErrorBody }) => void;
  /** A notice for everyone in a room (used by operations and, until the flows land, by the pipe test). */
  'system:announced': (payload: { room: string; text: string; at: number }) => void;
}

/** Commands clients send: `domain:verb`, one payload object, always acknowledged. */
export interface ClientToServerEvents {
  'system:ping': (payload: PingPayload, ack: (res: Result<{ echo: string | null; serverTime: number; node: string }>) => void) => void;
  'presence:query': (payload: PresenceQueryPayload, ack: (res: Result<{ online: string[] }>) => void) => void;
}

/** Between hub nodes (the Redis adapter's serverSideEmit). */
export interface InterServerEvents {
  ping: () => void;
}

/** Names of every client command, for rejecting unknown events. */
export const CLIENT_EVENTS = ['system:ping', 'presence:query'] as const satisfies readonly (keyof ClientToServerEvents)[];

/** Connection errors the handshake refuses with (`connect_error`'s `data`). */
export type HandshakeErrorCode = 'unauthenticated' | 'session_expired' | 'origin_rejected' | 'account_disabled';
