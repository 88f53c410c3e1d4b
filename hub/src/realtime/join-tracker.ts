import type { HubSocket } from './types.ts';

/**
 * The rooms a module joins as a socket connects (read from the store, so not at once), for the
 * commands that must not answer before them: a catch-up read before the join could miss what is
 * sent between the read and the join. A socket whose join fails is closed; its client reconnects.
 */
export function createJoinTracker() {
  const pending = new WeakMap<HubSocket, Promise<unknown>>();
  return {
    track(socket: HubSocket, join: Promise<unknown>): void {
      pending.set(socket, join);
      join.then(
        () => pending.delete(socket),
        () => socket.disconnect(true),
      );
    },
    /** Resolves once the socket's rooms are joined (at once when they already are). */
    async joined(socket: HubSocket): Promise<void> {
      await pending.get(socket);
    },
  };
}
