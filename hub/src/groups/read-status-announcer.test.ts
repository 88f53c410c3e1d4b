import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GroupReadCounts } from '../protocol/index.ts';
import { createLogger } from '../logger.ts';
import { connectSocket, firstGrid, login, startTestHub, storeDialects } from '../../test-support/index.ts';
import type { TestHub, TestSocket } from '../../test-support/index.ts';
import { queryCounter } from '../../test-support/query-counter.ts';
import { createReadStatusAnnouncer, type ReadStatusAnnouncer } from './read-status-announcer.ts';

/**
 * What read counts cost the store: an announcer on a real hub's Socket.IO server and store (its
 * statements counted), real sockets watching through `group:watch`. `moved` is what every send and
 * read calls (group.service's `readsMoved`).
 */
for (const dialect of await storeDialects()) {
  describe.skipIf(!dialect.available)(`read count announcer on ${dialect.name}`, () => {
    let t: TestHub;
    let drop: () => Promise<void>;
    let announcer: ReadStatusAnnouncer;
    const counter = queryCounter();
    const sockets: TestSocket[] = [];

    beforeAll(async () => {
      const target = await dialect.databaseUrl();
      drop = target.drop;
      t = await startTestHub({ databaseUrl: target.url });
      announcer = createReadStatusAnnouncer({
        io: t.hub.realtime.io,
        db: t.hub.store.db.withPlugin(counter.plugin),
        log: createLogger('silent'),
        crossNode: false,
      });
    });
    afterAll(async () => {
      announcer?.stop();
      for (const s of sockets) s.close();
      await t?.close();
      await drop?.();
    });

    it('counts no group whose chat nobody has open, and a watched one once a flush however it moved', async () => {
      const { groupId, officerLogin } = await firstGrid(t.hub);
      const officer = await connectSocket(t.url, { cookie: (await login(t.url, officerLogin)).cookie });
      sockets.push(officer);
      await officer.emitWithAck('group:sync', { cursors: {} });
      const list = await officer.emitWithAck('group:list', {});
      const unwatched = list.ok ? list.groups.filter((g) => g.id !== groupId).map((g) => g.id) : [];
      expect(unwatched.length).toBeGreaterThan(0);
      expect(await officer.emitWithAck('group:watch', { groupId })).toMatchObject({ ok: true });
      const heard: GroupReadCounts[] = [];
      officer.on('group:reads-changed', (c) => heard.push(c));
      /** Runs `move`, waits for the flush that tells the watcher, and returns the statements it cost. */
      const flushCost = async (move: () => void) => {
        const told = new Promise<void>((resolve) => officer.once('group:reads-changed', () => resolve()));
        const before = counter.queries;
        move();
        await told;
        return counter.queries - before;
      };

      const watchedAlone = await flushCost(() => announcer.moved(groupId));
      expect(watchedAlone).toBeGreaterThan(0);
      const withUnwatched = await flushCost(() => {
        for (let i = 0; i < 5; i++) {
          for (const g of unwatched) announcer.moved(g);
          announcer.moved(groupId);
        }
      });
      // Every move above was taken by that one flush: the unwatched groups cost nothing, the watched one once.
      expect(withUnwatched).toBe(watchedAlone);
      await officer.emitWithAck('system:ping', {});
      expect(heard.map((c) => c.groupId)).toEqual([groupId, groupId]);
    });
  });
}
