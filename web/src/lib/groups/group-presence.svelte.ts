import { SvelteMap } from 'svelte/reactivity';
import { connection } from '../realtime/index.ts';
import { groupWatch } from './group-watch.ts';

/** How long "is typing" shows after the last signal. */
const TYPING_SHOWN_MS = 5_000;
/** At most one typing signal per group this often. */
const TYPING_EVERY_MS = 3_000;
/** How often the open chat asks who is here (the hub also tells it of arrivals and departures). */
const PRESENCE_EVERY_MS = 30_000;
/** When the hub says too much changed at once, ask again within this (spread, not all at once). */
const RESYNC_SPREAD_MS = 3_000;

/**
 * Who is in an open chat right now (在线) and who is typing (正在输入), both ephemeral and never
 * stored: the hub relays typing signals to the group's room, answers `group:presence` with the
 * members connected to it and, within a second, tells the sockets watching the group (the open
 * chat: `group:watch`, see group-watch.ts) who came and went (`group:presence-changed`). `watch`
 * runs while a chat is on screen.
 */
class GroupPresence {
  #online = new SvelteMap<string, ReadonlySet<string>>();
  #typing = new SvelteMap<string, ReadonlyMap<string, string>>();
  #timers = new Map<string, ReturnType<typeof setTimeout>>();
  #lastSignal = new Map<string, number>();

  /** Ids of the members connected to the group (known once asked). */
  online(groupId: string): ReadonlySet<string> | undefined {
    return this.#online.get(groupId);
  }

  /** Names of the others typing in the group. */
  typing(groupId: string): string[] {
    return [...(this.#typing.get(groupId)?.values() ?? [])];
  }

  /** Tells the group the person is typing (throttled). */
  announceTyping(groupId: string): void {
    const now = Date.now();
    if (connection.state !== 'connected' || now - (this.#lastSignal.get(groupId) ?? 0) < TYPING_EVERY_MS) return;
    this.#lastSignal.set(groupId, now);
    void connection.emit('group:typing', { groupId });
  }

  /**
   * Follows a group while its chat is open: typing signals, and who is online (told when the hub
   * starts watching it for this connection — now and after each reconnect, whose new connection
   * watches nothing —, asked anew every 30 s, and kept current by the hub's arrivals and
   * departures). Returns the stop.
   */
  watch(groupId: string, selfId: string): () => void {
    let resync: ReturnType<typeof setTimeout> | undefined;
    const ask = async () => {
      const res = await connection.emit('group:presence', { groupId });
      if (res.ok) this.#online.set(groupId, new Set(res.online));
    };
    const stops = [
      groupWatch.follow(groupId, (online) => this.#online.set(groupId, new Set(online))),
      connection.on('group:presence-changed', (p) => {
        if (p.groupId !== groupId) return;
        if (p.resync) {
          clearTimeout(resync);
          resync = setTimeout(() => void ask(), Math.random() * RESYNC_SPREAD_MS);
          return;
        }
        const held = this.#online.get(groupId);
        if (!held) return;
        const next = new Set(held);
        for (const id of p.online) next.add(id);
        for (const id of p.offline) next.delete(id);
        this.#online.set(groupId, next);
      }),
      connection.on('group:typing', (p) => {
        if (p.groupId !== groupId || p.user.id === selfId) return;
        this.#setTyping(groupId, p.user.id, p.user.name);
      }),
      // A message from someone ends their "typing".
      connection.on('message:created', (m) => {
        if (m.groupId === groupId) this.#clearTyping(groupId, m.sender.id);
      }),
    ];
    const poll = setInterval(() => {
      if (connection.state === 'connected' && document.visibilityState === 'visible') void ask();
    }, PRESENCE_EVERY_MS);
    return () => {
      for (const stop of stops) stop();
      clearInterval(poll);
      clearTimeout(resync);
      for (const [key, timer] of this.#timers) {
        if (key.startsWith(`${groupId}:`)) {
          clearTimeout(timer);
          this.#timers.delete(key);
        }
      }
      this.#typing.delete(groupId);
    };
  }

  #setTyping(groupId: string, userId: string, name: string): void {
    const next = new Map(this.#typing.get(groupId) ?? []);
    next.set(userId, name);
    this.#typing.set(groupId, next);
    const key = `${groupId}:${userId}`;
    clearTimeout(this.#timers.get(key));
    this.#timers.set(
      key,
      setTimeout(() => this.#clearTyping(groupId, userId), TYPING_SHOWN_MS),
    );
  }

  #clearTyping(groupId: string, userId: string): void {
    const key = `${groupId}:${userId}`;
    clearTimeout(this.#timers.get(key));
    this.#timers.delete(key);
    const held = this.#typing.get(groupId);
    if (!held?.has(userId)) return;
    const next = new Map(held);
    next.delete(userId);
    this.#typing.set(groupId, next);
  }
}

/** Presence and typing of the open chats. */
export const groupPresence = new GroupPresence();
