import { secretDigest, secretMatchesDigest, splitToken } from '../auth/token.ts';
import type { SocketPrincipal } from './types.ts';

type SessionPrincipal = Extract<SocketPrincipal, { kind: 'session' }>;

/** What a handshake learns from the store: the socket's principal and, for a session, when it ends. */
export interface LoadedPrincipal {
  principal: SocketPrincipal;
  /** When the session ends if not used again; undefined for bots (never cached). */
  expiresAt: number | undefined;
}

/** Sessions or people whose principals are to be read from the store again, on every node. */
export interface PrincipalChange {
  sessionIds?: string[];
  userIds?: string[];
}

/**
 * Entry times are milliseconds since the cache's time base, not since 1970: V8 keeps an integer
 * below 2^30 inline (a Smi) but boxes an epoch time in a heap number of its own, twice per entry.
 * The base moves forward every REBASE_AFTER_MS, so the times of live entries stay small.
 */
export const REBASE_AFTER_MS = 2 ** 29;
/**
 * The latest time an entry holds (since the base; the largest Smi): a session ending later is read
 * from the store again by then, 6 to 12 days after it was cached.
 */
export const MAX_AHEAD_MS = 2 ** 30 - 1;

interface Entry {
  principal: SessionPrincipal;
  /** `secretDigest` of the session's secret: a hit still proves the presented secret. */
  digest: string;
  /** Used until then at most (since the base): the TTL, or the session's own expiry if sooner. */
  until: number;
  /** When the session ends if not used again (since the base), as the store said at the read. */
  expiresAt: number;
  /** The fan-out trust generation it was stored under (see `trust`). */
  trust: number;
}

/**
 * Per-node cache of the principals of recently authenticated sessions, so a reconnecting browser
 * skips the session and person reads. Trusted only as far as invalidation reaches this node:
 * every change that ends a session or alters a person (sign-out, password change, disable, unit or
 * role change, expiry) calls `forget` on every node (realtime-server), and an entry is used only
 * while `trust()` returns the generation it was stored under, i.e. while no invalidation from
 * another node can have been lost since. A store read that raced an invalidation is not stored.
 * Staleness a lost invalidation could still cause is bounded by `ttlMs`.
 */
export function createPrincipalCache(opts: {
  ttlMs: number;
  maxEntries: number;
  /** A number that stays the same while other nodes' invalidations reach this node without a gap; undefined while they may not. */
  trust: () => number | undefined;
  now?: () => number;
}) {
  const clock = opts.now ?? Date.now;
  let base = clock();
  // By session id; Map order is insertion order, so the first key is the oldest (evicted first).
  const entries = new Map<string, Entry>();
  // Bumped by every invalidation: a store read that began under an older one is not stored.
  let generation = 0;
  let hits = 0;
  let misses = 0;

  /** Milliseconds since the base; moves the base first when it is due. */
  function now(): number {
    const t = clock();
    if (t - base >= REBASE_AFTER_MS || t < base) rebase(t);
    return t - base;
  }

  /** Makes `t` the base: entries whose session has ended go, the others' times shift with it. */
  function rebase(t: number): void {
    const shift = t - base;
    base = t;
    for (const [id, e] of entries) {
      const expiresAt = e.expiresAt - shift;
      if (expiresAt <= 0) {
        entries.delete(id);
        continue;
      }
      e.expiresAt = Math.min(expiresAt, MAX_AHEAD_MS);
      // A past `until` stays past at 0, so it never leaves the small integers either.
      e.until = Math.min(Math.max(e.until - shift, 0), e.expiresAt);
    }
  }

  function cached(sessionId: string, secret: string): SessionPrincipal | undefined {
    const e = entries.get(sessionId);
    if (!e) return undefined;
    const trust = opts.trust();
    if (trust === undefined || trust !== e.trust) {
      entries.delete(sessionId);
      return undefined;
    }
    // Past its time but kept: another socket of the session may still be open and renew it.
    if (now() >= e.until) return undefined;
    // A wrong secret for a known id goes to the store, which refuses it; the entry stays.
    return secretMatchesDigest(secret, e.digest) ? e.principal : undefined;
  }

  function store(loaded: LoadedPrincipal, digest: string, since: number, trust: number | undefined): void {
    const p = loaded.principal;
    if (p.kind !== 'session' || loaded.expiresAt === undefined || trust === undefined) return;
    if (since !== generation || trust !== opts.trust()) return;
    if (entries.size >= opts.maxEntries && !entries.has(p.sessionId)) {
      const oldest = entries.keys().next().value;
      if (oldest !== undefined) entries.delete(oldest);
    }
    const at = now();
    const expiresAt = Math.min(loaded.expiresAt - base, MAX_AHEAD_MS);
    const until = Math.min(at + opts.ttlMs, expiresAt);
    entries.set(p.sessionId, { principal: p, digest, until, expiresAt, trust });
  }

  return {
    /**
     * The principal for a presented token: from the cache when a trusted entry holds this session
     * and the secret matches, otherwise `load` (the store) and, for a session, kept for the next time.
     */
    async resolve(token: string, load: () => Promise<LoadedPrincipal>): Promise<SocketPrincipal> {
      const parts = splitToken(token);
      const hit = parts && cached(parts.id, parts.secret);
      if (hit) {
        hits += 1;
        return hit;
      }
      misses += 1;
      const since = generation;
      const trust = opts.trust();
      const loaded = await load();
      // The store just matched this secret against its hash: keep its digest to check the next one.
      if (parts && loaded.principal.kind === 'session' && loaded.principal.sessionId === parts.id)
        store(loaded, secretDigest(parts.secret), since, trust);
      return loaded.principal;
    },
    /**
     * A socket of this session closed (not by revocation: that forgets first). Its principal was
     * as fresh as the open socket, which the same revocations would have closed: the entry serves
     * the reconnect for another TTL, so a storm after hours of uptime still skips the store. Never
     * past the session's expiry as read; not after a gap in trust.
     */
    renew(sessionId: string): void {
      const e = entries.get(sessionId);
      if (e && e.trust === opts.trust()) e.until = Math.min(now() + opts.ttlMs, e.expiresAt);
    },
    /** Drops these sessions' and people's principals (this node only; realtime-server tells every node). */
    forget(change: PrincipalChange): void {
      generation += 1;
      const sessions = change.sessionIds ?? [];
      for (const id of sessions) entries.delete(id);
      const users = new Set(change.userIds ?? []);
      if (users.size === 0) return;
      for (const [id, e] of entries) if (users.has(e.principal.user.id)) entries.delete(id);
    },
    stats: () => ({ size: entries.size, hits, misses }),
  };
}
export type PrincipalCache = ReturnType<typeof createPrincipalCache>;
