import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../org/demo-seed.ts';
import { createOrgService } from '../org/org.service.ts';
import { openStore, type Store } from '../store/database.ts';
import { storeDialects } from '../../test-support/services.ts';
import { createAuthenticator } from './authenticator.ts';
import { createBotTokenService } from './bot-token.service.ts';
import { createSessionService } from './session.service.ts';

const HOUR = 3600_000;

for (const dialect of await storeDialects()) {
  describe.skipIf(!dialect.available)(`sessions and bot tokens on ${dialect.name}`, () => {
    let store: Store;
    let drop: () => Promise<void>;
    let officerId: string;
    let botId: string;
    let clock = Date.UTC(2026, 10, 23, 8, 0, 0);
    const now = () => clock;
    const dir = mkdtempSync(join(tmpdir(), 'fq-auth-'));

    beforeAll(async () => {
      const target = await dialect.databaseUrl();
      drop = target.drop;
      store = await openStore({ databaseUrl: target.url, dataDir: dir });
      await seedDemo(store.db);
      officerId = (
        await store.db.selectFrom('users').select('id').where('role', '=', 'officer').executeTakeFirstOrThrow()
      ).id;
      botId = (await store.db.selectFrom('users').select('id').where('role', '=', 'bot').executeTakeFirstOrThrow()).id;
    });
    afterAll(async () => {
      await store?.close();
      await drop?.();
      rmSync(dir, { recursive: true, force: true });
    });

    it('stores only the id and the SHA-256 of the secret, never the token', async () => {
      const sessions = createSessionService(store.db, { idleMs: 12 * HOUR, now });
      const { token, session } = await sessions.create(officerId);
      const [id, secret] = token.split('.');
      expect(id).toBe(session.id);
      expect(secret).toMatch(/^[a-z2-9]{24}$/);
      const row = await store.db.selectFrom('sessions').selectAll().where('id', '=', id!).executeTakeFirstOrThrow();
      expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(row)).not.toContain(secret);
    });

    it('accepts the genuine token and refuses a forged secret, a malformed token and an unknown id', async () => {
      const sessions = createSessionService(store.db, { idleMs: 12 * HOUR, now });
      const { token } = await sessions.create(officerId);
      expect((await sessions.validate(token)).status).toBe('valid');
      const [id] = token.split('.');
      expect((await sessions.validate(`${id}.${'a'.repeat(24)}`)).status).toBe('invalid');
      for (const bad of ['', 'no-dot', 'a.b.c', `${id}.`, `${"' OR 1=1 --"}.${'a'.repeat(24)}`, 'x'.repeat(5000)]) {
        expect((await sessions.validate(bad)).status).toBe('invalid');
      }
      expect((await sessions.validate(`${'z'.repeat(24)}.${'a'.repeat(24)}`)).status).toBe('invalid');
    });

    it('slides expiry forward with use, at most once an hour, and expires after the idle period', async () => {
      const sessions = createSessionService(store.db, { idleMs: 12 * HOUR, now });
      const { token, session } = await sessions.create(officerId);
      clock += 30 * 60_000; // half an hour: no write yet
      const early = await sessions.validate(token);
      expect(early.status === 'valid' && early.session.lastVerifiedAt).toBe(session.lastVerifiedAt);
      clock += 11 * HOUR; // 11.5 h after creation: still valid, and now refreshed
      const later = await sessions.validate(token);
      expect(later.status === 'valid' && later.session.expiresAt).toBe(clock + 12 * HOUR);
      clock += 12 * HOUR; // idle for exactly the period
      expect((await sessions.validate(token)).status).toBe('expired');
      expect(
        await store.db.selectFrom('sessions').select('id').where('id', '=', session.id).executeTakeFirst(),
      ).toBeUndefined();
      expect((await sessions.validate(token)).status).toBe('invalid');
    });

    it('keeps sessions with open sockets alive: touch refreshes those idle past the activity interval only', async () => {
      const sessions = createSessionService(store.db, { idleMs: 12 * HOUR, now });
      const stale = await sessions.create(officerId);
      clock += 2 * HOUR;
      const fresh = await sessions.create(officerId);
      await sessions.touch([stale.session.id, fresh.session.id]);
      const rows = await store.db
        .selectFrom('sessions')
        .select(['id', 'last_verified_at'])
        .where('id', 'in', [stale.session.id, fresh.session.id])
        .execute();
      const at = Object.fromEntries(rows.map((r) => [r.id, r.last_verified_at]));
      expect(at[stale.session.id]).toBe(clock);
      expect(at[fresh.session.id]).toBe(fresh.session.lastVerifiedAt);
      clock += 11 * HOUR; // 13 h after creation, 11 h after the touch
      expect((await sessions.validate(stale.token)).status).toBe('valid');
    });

    it("ends one session on log-out and all of a person's sessions when disabled", async () => {
      const sessions = createSessionService(store.db, { idleMs: 12 * HOUR, now });
      const a = await sessions.create(officerId);
      const b = await sessions.create(officerId);
      await sessions.invalidate(a.session.id);
      expect((await sessions.validate(a.token)).status).toBe('invalid');
      expect((await sessions.validate(b.token)).status).toBe('valid');
      const ended = await sessions.invalidateAllForUser(officerId);
      expect(ended).toContain(b.session.id);
      expect((await sessions.validate(b.token)).status).toBe('invalid');
    });

    it('authenticates bot tokens until revoked, and refuses a disabled account', async () => {
      const sessions = createSessionService(store.db, { idleMs: 12 * HOUR, now });
      const botTokens = createBotTokenService(store.db, now);
      const org = createOrgService(store.db, { timeZone: 'Asia/Shanghai' });
      const auth = createAuthenticator({ sessions, botTokens, org });
      const issued = await botTokens.issue(botId, 'briefing bot');
      expect(issued.token.startsWith('fqb_')).toBe(true);
      const p = await auth.authenticate(issued.token);
      expect(p.kind === 'bot' && p.user.id).toBe(botId);
      await expect(auth.authenticate(`${issued.token.slice(0, -3)}abc`)).rejects.toMatchObject({
        code: 'unauthenticated',
      });
      await org.setDisabled(botId, true);
      await expect(auth.authenticate(issued.token)).rejects.toMatchObject({ code: 'account_disabled' });
      await org.setDisabled(botId, false);
      expect(await botTokens.revoke(issued.id)).toBe(true);
      await expect(auth.authenticate(issued.token)).rejects.toMatchObject({ code: 'unauthenticated' });
      expect((await botTokens.list()).find((t) => t.id === issued.id)?.revokedAt).toBe(clock);
    });
  });
}
