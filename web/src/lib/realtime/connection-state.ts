import type { HandshakeErrorCode, RevokeReason } from '@fengqiao/hub/protocol';

/** The connection's states, centrifuge-js style: one way in, one way out. */
export type ConnectionState = 'disconnected' | 'connecting' | 'connected';

/** Why the connection last changed state; every transition records one. */
export type ConnectionReason =
  /** Nothing has happened yet. */
  | 'initial'
  /** `connect()` was called. */
  | 'connect_requested'
  /** The handshake succeeded. */
  | 'transport_open'
  /** The network or the transport dropped. */
  | 'transport_closed'
  /** The hub closed the socket without revoking the session. */
  | 'server_disconnect'
  /** The hub's heartbeat did not arrive in time. */
  | 'ping_timeout'
  /** The handshake failed for a reason worth retrying (network, hub restarting). */
  | 'connect_failed'
  /** The browser came back online; retrying at once instead of waiting. */
  | 'network_online'
  /** The handshake was refused for the session; no point retrying. */
  | 'auth_failed'
  /** The hub sent `session:revoked`. */
  | 'session_revoked'
  /** The person signed out. */
  | 'logout'
  /** The signed-in pages were left (the shell unmounted), e.g. to sign in as someone else. */
  | 'app_closed';

/** Why the session ended for good: the app must sign in again. Drives the /login notice. */
export type SessionEndReason = HandshakeErrorCode | RevokeReason;

/** Handshake refusals that end the session instead of triggering a retry. */
export const TERMINAL_HANDSHAKE_CODES: readonly HandshakeErrorCode[] = [
  'unauthenticated',
  'session_expired',
  'account_disabled',
  'origin_rejected',
];
