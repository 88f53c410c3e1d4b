import type { SocketLimits } from '../config.ts';
import { errors, type HubError } from '../errors.ts';
import type { ClientToServerEvents } from '../protocol/index.ts';
import { createRateLimiter } from '../rate-limiter.ts';
import type { HubSocket } from './types.ts';

type Command = keyof ClientToServerEvents;

/**
 * Reads that cost the store (or every node, through fetchSockets) far more than a write: lists of
 * many rows, catch-up pages, searches, presence. They get their own, smaller in-flight budget.
 */
const EXPENSIVE_READS: ReadonlySet<string> = new Set<Command>([
  'group:sync',
  'group:history',
  'group:presence',
  'group:watch',
  'group:read-counts',
  'group:readers',
  'message:search',
  'hotline:sync',
  'hotline:history',
  'hotline:inbox',
  'order:sync',
  'order:watch',
  'order:activity',
  'order:search',
  'presence:query',
]);

/** Ephemeral signals: relayed or answered from live state, never stored. Rate-limited per socket and person. */
const SIGNALS: ReadonlySet<string> = new Set<Command>([
  'group:typing',
  'group:presence',
  'group:watch',
  'presence:query',
  'push:visibility',
]);

/**
 * Per-node admission of socket commands, before anything else runs: a bound on the commands awaiting
 * their answer per socket and per person (a smaller one for expensive reads), and token buckets for
 * ephemeral signals. Per node by nature: the resource guarded is this node's event loop and store pool.
 * A socket's counts are plain numbers on `socket.data` (no closure per connection); a person's, a map
 * entry that exists only while they have a command in flight.
 */
export function createCommandLimits(limits: SocketLimits, now: () => number = Date.now) {
  const perPerson = new Map<string, { all: number; reads: number }>();
  // Refusals are made once: an Error captures a stack trace when it is made, which in a flood costs
  // more than the refusing itself. Nothing logs their stacks (they are client faults, not internal).
  const refuse = {
    socketCommands: errors.tooManyInFlight('connection', 'commands'),
    personCommands: errors.tooManyInFlight('person', 'commands'),
    socketReads: errors.tooManyInFlight('connection', 'reads'),
    personReads: errors.tooManyInFlight('person', 'reads'),
  };
  const signalRefusals = new Map<number, HubError>();
  const refuseSignal = (wait: number) => {
    let e = signalRefusals.get(wait);
    if (!e) signalRefusals.set(wait, (e = errors.rateLimited(wait)));
    return e;
  };
  const signalBucket = { capacity: limits.signalBurst, perSecond: limits.signalsPerSecond, now };
  const socketSignals = createRateLimiter(signalBucket);
  // A person's sockets together get a few sockets' worth, not one each.
  const personSignals = createRateLimiter({
    ...signalBucket,
    capacity: limits.signalBurst * 2,
    perSecond: limits.signalsPerSecond * 2,
  });

  return {
    /** Admits one command (counting it in flight), or says why not; `release` must follow an admission. */
    admit(socket: HubSocket, event: string): HubError | undefined {
      const d = socket.data;
      const userId = d.principal.user.id;
      const person = perPerson.get(userId) ?? { all: 0, reads: 0 };
      const inFlight = d.inFlight ?? 0;
      if (inFlight >= limits.inFlightPerSocket) return refuse.socketCommands;
      if (person.all >= limits.inFlightPerPerson) return refuse.personCommands;
      const read = EXPENSIVE_READS.has(event);
      if (read) {
        if ((d.readsInFlight ?? 0) >= limits.readsInFlightPerSocket) return refuse.socketReads;
        if (person.reads >= limits.readsInFlightPerPerson) return refuse.personReads;
      }
      if (SIGNALS.has(event)) {
        const wait = socketSignals.take(socket.id) || personSignals.take(userId);
        if (wait > 0) return refuseSignal(wait);
      }
      d.inFlight = inFlight + 1;
      person.all += 1;
      if (read) {
        d.readsInFlight = (d.readsInFlight ?? 0) + 1;
        person.reads += 1;
      }
      perPerson.set(userId, person);
      return undefined;
    },
    /** The admitted command was answered. */
    release(socket: HubSocket, event: string): void {
      const d = socket.data;
      const userId = d.principal.user.id;
      const person = perPerson.get(userId);
      d.inFlight = (d.inFlight ?? 1) - 1;
      const read = EXPENSIVE_READS.has(event);
      if (read) d.readsInFlight = (d.readsInFlight ?? 1) - 1;
      if (!person) return;
      person.all -= 1;
      if (read) person.reads -= 1;
      if (person.all <= 0) perPerson.delete(userId);
    },
    /** The socket closed: its signal bucket goes (its commands still in flight release themselves). */
    forget(socket: HubSocket): void {
      socketSignals.forget(socket.id);
    },
  };
}
export type CommandLimits = ReturnType<typeof createCommandLimits>;
