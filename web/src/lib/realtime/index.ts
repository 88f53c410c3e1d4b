/** The realtime surface components import: the connection singleton and its vocabulary. */
export {
  connection,
  PingError,
  type CommandAck,
  type CommandPayload,
  type CommandResult,
  type CommandUnanswered,
  type PingResult,
  type PingFailure,
} from './connection.svelte.ts';
export type { ConnectionReason, ConnectionState, SessionEndReason } from './connection-state.ts';
