import { connection } from '../realtime/index.ts';

/** Told each time the hub's watch of the group is in place (on opening and after every reconnect): who is online. */
type Watched = (online: string[]) => void;

/**
 * The one group this connection watches on the hub (`group:watch`): the open chat. Only a watching
 * socket hears who comes and goes in a group and, staff only, its read counts, so a chat nobody has
 * open costs the hub nothing for either. Sent when a chat opens, again after every reconnect (a new
 * connection watches nothing), `{ groupId: null }` when it closes. Presence and read status follow
 * the open chat through it: each is told when the watch is in place and asks for its own catch-up
 * then, so nothing announced between the catch-up and the watch goes missing.
 */
class GroupWatch {
  #groupId: string | undefined;
  #followers = new Set<Watched>();
  /** Who was online when the watch was last put in place on this connection. */
  #online: string[] | undefined;
  #stopConnected: (() => void) | undefined;

  /** Follows `groupId` while its chat is open; `watched` runs whenever the hub's watch is in place. */
  follow(groupId: string, watched: Watched): () => void {
    if (this.#groupId !== groupId) this.#start(groupId);
    this.#followers.add(watched);
    const online = this.#online;
    if (online) queueMicrotask(() => this.#followers.has(watched) && watched(online));
    return () => {
      this.#followers.delete(watched);
      if (this.#groupId === groupId && this.#followers.size === 0) this.#stop();
    };
  }

  #start(groupId: string): void {
    this.#stopConnected?.();
    this.#groupId = groupId;
    this.#followers = new Set();
    this.#online = undefined;
    // Also runs at once when already connected.
    this.#stopConnected = connection.onConnected(() => void this.#watch(groupId));
  }

  async #watch(groupId: string): Promise<void> {
    this.#online = undefined;
    const res = await connection.emit('group:watch', { groupId });
    if (this.#groupId !== groupId || !res.ok) return;
    this.#online = res.online;
    for (const watched of [...this.#followers]) watched(res.online);
  }

  #stop(): void {
    this.#stopConnected?.();
    this.#stopConnected = undefined;
    this.#groupId = undefined;
    this.#online = undefined;
    // A chat switch closes the old and opens the new in the same tick: no `null` between them.
    queueMicrotask(() => {
      if (this.#groupId === undefined && connection.state === 'connected')
        void connection.emit('group:watch', { groupId: null });
    });
  }
}

/** The open chat's watch on the hub. */
export const groupWatch = new GroupWatch();
