import { describe, expect, it } from 'vitest';
import { createPrincipalCache, MAX_AHEAD_MS, REBASE_AFTER_MS, type LoadedPrincipal } from './principal-cache.ts';
import type { SocketPrincipal } from './types.ts';

const ID = 'a'.repeat(24);
const SECRET = 'b'.repeat(24);
const TOKEN = `${ID}.${SECRET}`;

const officer = (sessionId = ID, userId = 'u1', role = 'officer'): SocketPrincipal => ({
  kind: 'session',
  sessionId,
  user: { id: userId, name: '张三', role: role as 'officer', unit_id: 'unit-1', password_change_required: 0 },
});

/** A cache on a clock and trust the test moves, and a store loader that counts its reads. */
function setup(opts: { ttlMs?: number; maxEntries?: number } = {}) {
  const state = { now: 1_000, trust: 0 as number | undefined, reads: 0 };
  const cache = createPrincipalCache({
    ttlMs: opts.ttlMs ?? 60_000,
    maxEntries: opts.maxEntries ?? 100,
    trust: () => state.trust,
    now: () => state.now,
  });
  const load =
    (principal: SocketPrincipal, expiresAt: number | undefined = state.now + 3_600_000) =>
    async (): Promise<LoadedPrincipal> => {
      state.reads += 1;
      return { principal, expiresAt };
    };
  return { state, cache, load };
}

describe('principal cache', () => {
  it('answers a session seen before without reading the store, the same principal object', async () => {
    const { state, cache, load } = setup();
    const first = await cache.resolve(TOKEN, load(officer()));
    const again = await cache.resolve(TOKEN, load(officer()));
    expect(state.reads).toBe(1);
    expect(again).toBe(first);
    expect(cache.stats()).toEqual({ size: 1, hits: 1, misses: 1 });
  });

  it('never answers a wrong secret for a cached session id from the cache', async () => {
    const { state, cache, load } = setup();
    await cache.resolve(TOKEN, load(officer()));
    const refused = new Error('invalid session');
    const forged = `${ID}.${'c'.repeat(24)}`;
    await expect(
      cache.resolve(forged, async () => {
        state.reads += 1;
        throw refused;
      }),
    ).rejects.toBe(refused);
    expect(state.reads).toBe(2);
    // The genuine token still hits.
    await cache.resolve(TOKEN, load(officer()));
    expect(state.reads).toBe(2);
  });

  it('reads the store again after the TTL, and never past the session expiry', async () => {
    const { state, cache, load } = setup({ ttlMs: 60_000 });
    await cache.resolve(TOKEN, load(officer()));
    state.now += 60_000;
    await cache.resolve(TOKEN, load(officer()));
    expect(state.reads).toBe(2);
    // A session expiring in 5 s is cached 5 s only.
    cache.forget({ sessionIds: [ID] });
    await cache.resolve(TOKEN, load(officer(), state.now + 5_000));
    state.now += 4_999;
    await cache.resolve(TOKEN, load(officer()));
    expect(state.reads).toBe(3);
    state.now += 1;
    await cache.resolve(TOKEN, load(officer()));
    expect(state.reads).toBe(4);
  });

  it('renews an entry when a socket of its session closes: a reconnect after hours of uptime skips the store', async () => {
    const { state, cache, load } = setup({ ttlMs: 60_000 });
    await cache.resolve(TOKEN, load(officer(), state.now + 3_600_000));
    // The socket stays open well past the TTL, then drops; its client reconnects a minute later.
    state.now += 600_000;
    cache.renew(ID);
    state.now += 59_999;
    await cache.resolve(TOKEN, load(officer()));
    expect(state.reads).toBe(1);
    // Never past the session's expiry as read, nor after a gap in trust, nor once forgotten.
    state.now += 3_000_000;
    cache.renew(ID);
    await cache.resolve(TOKEN, load(officer()));
    expect(state.reads).toBe(2);
    state.now += 1_000;
    state.trust = 1;
    cache.renew(ID);
    await cache.resolve(TOKEN, load(officer()));
    expect(state.reads).toBe(3);
    cache.forget({ sessionIds: [ID] });
    cache.renew(ID);
    expect(cache.stats().size).toBe(0);
  });

  it('forgets by session and by person', async () => {
    const { state, cache, load } = setup();
    const other = `${'d'.repeat(24)}.${SECRET}`;
    await cache.resolve(TOKEN, load(officer()));
    await cache.resolve(other, load(officer('d'.repeat(24), 'u2')));
    cache.forget({ sessionIds: [ID] });
    await cache.resolve(TOKEN, load(officer()));
    await cache.resolve(other, load(officer('d'.repeat(24), 'u2')));
    expect(state.reads).toBe(3);
    cache.forget({ userIds: ['u2'] });
    await cache.resolve(other, load(officer('d'.repeat(24), 'u2', 'dispatcher')));
    expect(state.reads).toBe(4);
    expect((await cache.resolve(other, load(officer()))).user.role).toBe('dispatcher');
  });

  it('does not keep a store read that an invalidation overtook', async () => {
    const { state, cache } = setup();
    let release!: () => void;
    const slow = cache.resolve(TOKEN, async () => {
      state.reads += 1;
      await new Promise<void>((r) => (release = r));
      return { principal: officer(), expiresAt: state.now + 3_600_000 };
    });
    await Promise.resolve();
    // Signed out while the read was under way: what it read may be the session before the delete.
    cache.forget({ sessionIds: [ID] });
    release();
    await slow;
    expect(cache.stats().size).toBe(0);
  });

  it('uses nothing while invalidations may not arrive, nor what was cached before they stopped', async () => {
    const { state, cache, load } = setup();
    await cache.resolve(TOKEN, load(officer()));
    state.trust = undefined;
    await cache.resolve(TOKEN, load(officer()));
    expect(state.reads).toBe(2);
    expect(cache.stats().size).toBe(0);
    // Back under a new generation: what the down time cached is not trusted.
    await cache.resolve(TOKEN, load(officer()));
    state.trust = 1;
    await cache.resolve(TOKEN, load(officer()));
    expect(state.reads).toBe(4);
    await cache.resolve(TOKEN, load(officer()));
    expect(state.reads).toBe(4);
  });

  it('moves its time base on: live entries still serve after it, ended sessions go at the move', async () => {
    const { state, cache, load } = setup({ ttlMs: 60_000 });
    const short = `${'s'.repeat(24)}.${SECRET}`;
    await cache.resolve(TOKEN, load(officer(), state.now + REBASE_AFTER_MS + 600_000));
    await cache.resolve(short, load(officer('s'.repeat(24), 'u2'), state.now + 3_600_000));
    expect(cache.stats().size).toBe(2);
    // Just before the move, nothing is dropped (the short session ended, but may not be asked for).
    state.now += REBASE_AFTER_MS - 1;
    cache.renew(ID);
    expect(cache.stats().size).toBe(2);
    // The move: the ended session goes; the live one, renewed across it, still answers without the store.
    state.now += 1;
    cache.renew(ID);
    expect(cache.stats().size).toBe(1);
    await cache.resolve(TOKEN, load(officer()));
    expect(state.reads).toBe(2);
    // Its TTL and its session's expiry are still counted from the real clock after the move.
    state.now += 60_000;
    await cache.resolve(TOKEN, load(officer(), state.now + 3_600_000));
    expect(state.reads).toBe(3);
    state.now += 59_999;
    await cache.resolve(TOKEN, load(officer()));
    expect(state.reads).toBe(3);
    // A second move, after the store's new expiry: the entry goes.
    state.now += REBASE_AFTER_MS;
    cache.renew(ID);
    expect(cache.stats().size).toBe(0);
  });

  it('keeps a far-ahead session expiry at most MAX_AHEAD_MS past its time base', async () => {
    const { state, cache, load } = setup({ ttlMs: 60_000 });
    const start = state.now;
    await cache.resolve(TOKEN, load(officer(), start + 2 ** 31));
    // Renewed just before the capped expiry, it still serves; at the cap it is gone, though the session is not.
    state.now = start + MAX_AHEAD_MS - 1;
    cache.renew(ID);
    await cache.resolve(TOKEN, load(officer()));
    expect(state.reads).toBe(1);
    state.now = start + MAX_AHEAD_MS;
    cache.renew(ID);
    await cache.resolve(TOKEN, load(officer()));
    expect(state.reads).toBe(2);
  });

  it('counts from a new base when the clock goes back', async () => {
    const { state, cache, load } = setup({ ttlMs: 60_000 });
    await cache.resolve(TOKEN, load(officer()));
    state.now -= 30_000;
    await cache.resolve(TOKEN, load(officer()));
    expect(state.reads).toBe(1);
    state.now += 90_000;
    await cache.resolve(TOKEN, load(officer()));
    expect(state.reads).toBe(2);
  });

  it('caches neither bots nor malformed tokens, and holds at most maxEntries', async () => {
    const { state, cache, load } = setup({ maxEntries: 2 });
    const bot: SocketPrincipal = { kind: 'bot', tokenId: 't1', user: officer().user };
    await cache.resolve(`fqb_${ID}.${SECRET}`, load(bot, undefined));
    await cache.resolve('garbage', load(officer()));
    expect(cache.stats().size).toBe(0);
    for (const c of ['e', 'f', 'g']) {
      const id = c.repeat(24);
      await cache.resolve(`${id}.${SECRET}`, load(officer(id)));
    }
    expect(cache.stats().size).toBe(2);
    // The oldest went first.
    await cache.resolve(`${'e'.repeat(24)}.${SECRET}`, load(officer('e'.repeat(24))));
    expect(state.reads).toBe(6);
  });
});
