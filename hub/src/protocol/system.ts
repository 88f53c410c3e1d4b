/** `system:ping`: proves the pipe works end to end; `echo` comes back verbatim. */
export interface PingPayload {
  echo?: string | undefined;
}

/** `presence:query`: ask who of these people is online now. */
export interface PresenceQueryPayload {
  userIds: string[];
}
