import type { GroupPresenceChange } from '../protocol/index.ts';
import { rooms, type HubServer } from '../realtime/types.ts';

/** Sockets watching a group's presence (its chat is open): the only ones told of its arrivals and departures. */
export const PRESENCE_ROOM_PREFIX = 'group-presence:';
export const presenceRoom = (groupId: string) => `${PRESENCE_ROOM_PREFIX}${groupId}`;

/** How long arrivals and departures gather before each group hears of them once. */
const FLUSH_MS = 1_000;
/** Above this many people changing in one group at once (a node restarting), members ask anew instead. */
const MAX_IDS_PER_EVENT = 200;

/**
 * Tells the sockets watching a group (its chat open, `group:watch`) who came online and who
 * went offline, within about a second and on every node, so an open chat's online count follows
 * presence without polling. Only watchers: told to every member, a reconnect storm would cost
 * O(members²) events. What happened in
 * a second is gathered into one event per group (a reconnect storm is a handful of events, not
 * thousands). A socket leaving only makes its person offline when no socket of theirs is left on
 * any node (another tab, another node), asked once per flush for everyone who left. Ephemeral and
 * best effort: the clients' periodic `group:presence` reconciles whatever a lost event missed.
 */
export function createPresenceAnnouncer(io: HubServer, opts: { flushMs?: number } = {}) {
  const flushMs = opts.flushMs ?? FLUSH_MS;
  /** Per person, the groups to tell: arrivals and possible departures of this window. */
  let arrived = new Map<string, Set<string>>();
  let left = new Map<string, Set<string>>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const add = (into: Map<string, Set<string>>, userId: string, groupIds: Iterable<string>) => {
    const held = into.get(userId) ?? new Set<string>();
    for (const g of groupIds) held.add(g);
    if (held.size === 0) return;
    into.set(userId, held);
    if (!timer && !stopped) {
      timer = setTimeout(() => void flush(), flushMs);
      timer.unref();
    }
  };

  async function flush(): Promise<void> {
    timer = undefined;
    const up = arrived;
    const down = left;
    arrived = new Map();
    left = new Map();
    if (down.size > 0) {
      try {
        const still = await io.in([...down.keys()].map(rooms.user)).fetchSockets();
        for (const s of still) down.delete(s.data.principal.user.id);
      } catch {
        // Some node did not answer: say nothing of departures; the periodic check will.
        down.clear();
      }
    }
    // Came and went within the window with nothing left: gone.
    for (const userId of down.keys()) up.delete(userId);
    const changes = new Map<string, { online: string[]; offline: string[] }>();
    const note = (from: Map<string, Set<string>>, key: 'online' | 'offline') => {
      for (const [userId, groupIds] of from)
        for (const g of groupIds) {
          const c = changes.get(g) ?? { online: [], offline: [] };
          c[key].push(userId);
          changes.set(g, c);
        }
    };
    note(up, 'online');
    note(down, 'offline');
    if (stopped) return;
    for (const [groupId, c] of changes) {
      const payload: GroupPresenceChange =
        c.online.length + c.offline.length > MAX_IDS_PER_EVENT
          ? { groupId, online: [], offline: [], resync: true }
          : { groupId, ...c };
      io.to(presenceRoom(groupId)).emit('group:presence-changed', payload);
    }
  }

  return {
    /** A person's socket joined these groups' rooms. */
    arrived: (userId: string, groupIds: Iterable<string>) => add(arrived, userId, groupIds),
    /** A person's socket is leaving these groups' rooms (they may still be connected elsewhere). */
    left: (userId: string, groupIds: Iterable<string>) => add(left, userId, groupIds),
    /** Drops what is gathered and announces nothing more (the hub is stopping). */
    stop(): void {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
export type PresenceAnnouncer = ReturnType<typeof createPresenceAnnouncer>;
