import { hashSecret, secretMatches, splitToken } from '../auth/token.ts';
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

interface Entry {
  principal: SessionPrincipal;
  /** SHA-256 of the session's secret, as the store keeps it: a hit still proves the presented secret. */
  secretHash: string;
  /** Used until then at most: the TTL, or the session's own expiry if sooner. */
  until: number;
  /** When the session ends if not used again, as the store said at the read. */
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
  const now = opts.now ?? Date.now;
  // By session id; Map order is insertion order, so the first key is the oldest (evicted first).
  const entries = new Map<string, Entry>();
  // Bumped by every invalidation: a store read that began under an older one is not stored.
  let generation = 0;
  let hits = 0;
  let misses = 0;

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
    return secretMatches(secret, e.secretHash) ? e.principal : undefined;
  }

  function store(loaded: LoadedPrincipal, secretHash: string, since: number, trust: number | undefined): void {
    const p = loaded.principal;
    if (p.kind !== 'session' || loaded.expiresAt === undefined || trust === undefined) return;
    if (since !== generation || trust !== opts.trust()) return;
    if (entries.size >= opts.maxEntries && !entries.has(p.sessionId)) {
      const oldest = entries.keys().next().value;
      if (oldest !== undefined) entries.delete(oldest);
    }
    const until = Math.min(now() + opts.ttlMs, loaded.expiresAt);
    entries.set(p.sessionId, { principal: p, secretHash, until, expiresAt: loaded.expiresAt, trust });
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
      // The store just matched this secret against its hash: keep that hash to check the next one.
      if (parts && loaded.principal.kind === 'session' && loaded.principal.sessionId === parts.id)
        store(loaded, hashSecret(parts.secret), since, trust);
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
