import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeAudit } from '../audit/audit-log.ts';
import { seedDemo, seedDemoIfEmpty } from '../org/demo-seed.ts';
import { createOrgService } from '../org/org.service.ts';
import { storeDialects } from '../../test-support/services.ts';
import { openStore, type Store } from './database.ts';

for (const dialect of await storeDialects()) {
  describe.skipIf(!dialect.available)(`store on ${dialect.name}`, () => {
    let store: Store;
    let drop: () => Promise<void>;
    const dir = mkdtempSync(join(tmpdir(), 'fq-store-'));

    beforeAll(async () => {
      const target = await dialect.databaseUrl();
      drop = target.drop;
      store = await openStore({ databaseUrl: target.url, dataDir: dir });
      await seedDemo(store.db);
    });
    afterAll(async () => {
      await store?.close();
      await drop?.();
      rmSync(dir, { recursive: true, force: true });
    });

    it('runs on the dialect asked for', () => {
      expect(store.dialect).toBe(dialect.name);
    });

    it('seeds the demo organisation: one city, two branches, three stations with their squads, rooms, communities and grids', async () => {
      const counts = await store.db
        .selectFrom('units')
        .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('kind')
        .execute();
      const byKind = Object.fromEntries(counts.map((c) => [c.kind, Number(c.n)]));
      expect(byKind).toMatchObject({ city: 1, branch: 2, station: 3, squad: 6 });
      // every station has its own command room; city and branches have theirs too
      expect(byKind.command_room).toBe(3 + 2 + 1);
      expect(byKind.community).toBeGreaterThanOrEqual(9);
      expect(byKind.grid).toBe(byKind.community! * 2);
      const stations = await store.db
        .selectFrom('units')
        .select(['id', 'path'])
        .where('kind', '=', 'station')
        .execute();
      for (const s of stations) {
        const children = await store.db.selectFrom('units').select('kind').where('parent_id', '=', s.id).execute();
        const communities = children.filter((c) => c.kind === 'community').length;
        expect(communities).toBeGreaterThanOrEqual(3);
        expect(communities).toBeLessThanOrEqual(6);
      }
    });

    it('seeds about sixty staff, about two hundred residents and one bot, every resident in a grid', async () => {
      const people = await store.db
        .selectFrom('users')
        .innerJoin('units', 'units.id', 'users.unit_id')
        .select(['users.role', 'units.kind'])
        .execute();
      const staff = people.filter((p) => !['resident', 'bot'].includes(p.role));
      const residents = people.filter((p) => p.role === 'resident');
      expect(staff.length).toBeGreaterThanOrEqual(50);
      expect(staff.length).toBeLessThanOrEqual(90);
      expect(residents.length).toBeGreaterThanOrEqual(180);
      expect(residents.every((r) => r.kind === 'grid')).toBe(true);
      expect(people.filter((p) => p.role === 'bot')).toHaveLength(1);
    });

    it('is deterministic: the same names and logins on every seed', async () => {
      const other = await openStore({ dataDir: dir, sqliteFile: ':memory:' });
      try {
        await seedDemo(other.db);
        const a = await store.db.selectFrom('users').select(['id', 'login', 'name', 'role']).orderBy('id').execute();
        const b = await other.db.selectFrom('users').select(['id', 'login', 'name', 'role']).orderBy('id').execute();
        expect(b).toEqual(a);
      } finally {
        await other.close();
      }
    });

    it('does not seed twice: a restart reuses the data', async () => {
      expect(await seedDemoIfEmpty(store.db)).toBeNull();
    });

    it('answers subtree questions through the materialised path', async () => {
      const org = createOrgService(store.db, { timeZone: 'Asia/Shanghai' });
      const grid = await store.db
        .selectFrom('units')
        .selectAll()
        .where('kind', '=', 'grid')
        .orderBy('sort')
        .executeTakeFirstOrThrow();
      const path = await org.unitPath(grid);
      expect(path.map((u) => u.kind)).toEqual(['city', 'branch', 'station', 'community', 'grid']);
      const [, branch, station] = path;
      expect(await org.isWithin(grid.id, station!.id)).toBe(true);
      expect(await org.isWithin(grid.id, branch!.id)).toBe(true);
      const otherBranch = await store.db
        .selectFrom('units')
        .select('id')
        .where('kind', '=', 'branch')
        .where('id', '!=', branch!.id)
        .executeTakeFirstOrThrow();
      expect(await org.isWithin(grid.id, otherBranch.id)).toBe(false);
    });

    it('refuses a second person with the same login', async () => {
      const someone = await store.db.selectFrom('users').selectAll().executeTakeFirstOrThrow();
      await expect(
        store.db
          .insertInto('users')
          .values({ ...someone, id: 'duplicate-login-user' })
          .execute(),
      ).rejects.toThrow();
      const n = await store.db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('login', '=', someone.login)
        .executeTakeFirstOrThrow();
      expect(Number(n.n)).toBe(1);
    });

    it('keeps millisecond UTC times as numbers and SQL-looking text verbatim', async () => {
      const at = Date.UTC(2026, 10, 23, 16, 30, 0, 123);
      const hostile = `'); DROP TABLE users; -- <script>alert(1)</script> 警令`;
      await writeAudit(store.db, { actorId: null, action: hostile, detail: { note: hostile } }, at);
      const row = await store.db.selectFrom('audit_log').selectAll().where('at', '=', at).executeTakeFirstOrThrow();
      expect(row.at).toBe(at);
      expect(typeof row.at).toBe('number');
      expect(row.action).toBe(hostile);
      expect(JSON.parse(row.detail!)).toEqual({ note: hostile });
      expect(await store.db.selectFrom('users').select('id').limit(1).execute()).toHaveLength(1);
    });
  });
}
