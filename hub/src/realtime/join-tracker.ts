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
    /**
     * Once the rooms are joined: the ids of the socket's rooms named `prefix` + id, i.e. what the
     * connect read, so that a catch-up need not read it again. Kept in the socket's own room set,
     * which costs no memory of its own and follows the joins and leaves notifiers make on every
     * node (a member added to or removed from a group, a desk delegated or taken back).
     */
    async joinedIds(socket: HubSocket, prefix: string): Promise<Set<string>> {
      await pending.get(socket);
      const ids = new Set<string>();
      for (const room of socket.rooms) if (room.startsWith(prefix)) ids.add(room.slice(prefix.length));
      return ids;
    },
  };
}
