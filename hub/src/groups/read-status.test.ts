import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GroupReadCounts, ReadCount } from '../protocol/index.ts';
import { MAX_READ_COUNT_SPAN } from '../protocol/index.ts';
import {
  addStaff,
  connectSocket,
  firstGrid,
  login,
  startTestHub,
  storeDialects,
  type TestHub,
  type TestSocket,
} from '../../test-support/index.ts';
import { createGroupNotifier } from './group-notifier.ts';
import { provisionGroups } from './group-provisioning.ts';

let n = 0;
const cid = () => `rs-${Date.now()}-${++n}`;

/** Read status of staff messages ("3人未读", tap for who) over real sockets, on SQLite and PostgreSQL. */
for (const dialect of await storeDialects()) {
  describe.skipIf(!dialect.available)(`read status on ${dialect.name}`, () => {
    let t: TestHub;
    let drop: () => Promise<void>;
    let groupId: string;
    let gridId: string;
    let officerLogin: string;
    let residentLogins: string[];
    const sockets: TestSocket[] = [];
    const open = async (l: string) => {
      const s = await connectSocket(t.url, { cookie: (await login(t.url, l)).cookie });
      sockets.push(s);
      await s.emitWithAck('group:sync', { cursors: {} });
      return s;
    };
    const activeMembers = async () =>
      (
        await t.hub.store.db
          .selectFrom('group_members')
          .select('user_id')
          .where('group_id', '=', groupId)
          .where('status', '=', 'active')
          .execute()
      ).length;
    const send = async (s: TestSocket, text: string) => {
      const res = await s.emitWithAck('message:send', { groupId, clientId: cid(), text });
      if (!res.ok) throw new Error(res.error.message);
      return res.message.seq;
    };
    const countOf = async (s: TestSocket, seq: number) => {
      const res = await s.emitWithAck('group:read-counts', { groupId, fromSeq: seq, toSeq: seq });
      if (!res.ok) throw new Error(res.error.message);
      return res.counts.find((c: ReadCount) => c.seq === seq)?.unread;
    };

    /** A grid group this person is not a member of. */
    const gridNotOf = (who: string) =>
      t.hub.store.db
        .selectFrom('groups')
        .select('id')
        .where('kind', '=', 'grid')
        .where('id', 'not in', (eb) =>
          eb
            .selectFrom('group_members as gm')
            .innerJoin('users as u', 'u.id', 'gm.user_id')
            .select('gm.group_id')
            .where('u.login', '=', who),
        )
        .executeTakeFirstOrThrow();

    beforeAll(async () => {
      const target = await dialect.databaseUrl();
      drop = target.drop;
      t = await startTestHub({ databaseUrl: target.url });
      ({ groupId, gridId, officerLogin, residentLogins } = await firstGrid(t.hub));
    });
    afterAll(async () => {
      for (const s of sockets) s.close();
      await t?.close();
      await drop?.();
    });

    it('counts who has not read a staff message, follows reads, and lists who has and has not', async () => {
      const officer = await open(officerLogin);
      const resident = await open(residentLogins[0]!);
      const residentId = (await t.hub.store.db
        .selectFrom('users')
        .select('id')
        .where('login', '=', residentLogins[0]!)
        .executeTakeFirstOrThrow())!.id;
      const members = await activeMembers();

      const staffSeq = await send(officer, '今晚八点消防检查，请各户清理楼道');
      const residentSeq = await send(resident, '收到');
      // The resident's own message moved their cursor past the officer's: they count as having read it.
      const res = await officer.emitWithAck('group:read-counts', { groupId, fromSeq: staffSeq, toSeq: residentSeq });
      expect(res).toMatchObject({ ok: true, groupId, fromSeq: staffSeq, toSeq: residentSeq });
      // Only the staff message has a read status; everyone but its sender and the resident has not read it.
      expect(res.ok && res.counts).toEqual([{ seq: staffSeq, unread: members - 2 }]);

      const second = await send(officer, '请大家回复收到');
      expect(await countOf(officer, second)).toBe(members - 1);
      expect(await resident.emitWithAck('group:read', { groupId, seq: second })).toMatchObject({ ok: true });
      expect(await countOf(officer, second)).toBe(members - 2);

      const who = await officer.emitWithAck('group:readers', { groupId, seq: second });
      if (!who.ok) throw new Error(who.error.message);
      expect(who.readers.read.map((r) => r.id)).toEqual([residentId]);
      expect(who.readers.readTotal).toBe(1);
      expect(who.readers.unreadTotal).toBe(members - 2);
      expect(who.readers.unread).toHaveLength(members - 2);
      expect(who.readers.unread.map((r) => r.id)).not.toContain(residentId);
      expect(who.readers.read[0]).toMatchObject({ role: 'resident', name: expect.any(String) });
    });

    it("does not count members who joined after a message against it, and counts them once they've read it", async () => {
      const officer = await open(officerLogin);
      const seq = await send(officer, '本周六社区议事会');
      const before = await countOf(officer, seq);
      const [newcomer] = await addStaff(t.hub, gridId, 1, 'resident', 'late');
      await provisionGroups(t.hub.store.db);
      expect(await countOf(officer, seq)).toBe(before);
      const late = await open(newcomer!);
      const unread = await officer.emitWithAck('group:readers', { groupId, seq });
      expect(unread.ok && unread.readers.unreadTotal).toBe(before);
      await late.emitWithAck('group:read', { groupId, seq });
      const after = await officer.emitWithAck('group:readers', { groupId, seq });
      expect(after.ok && after.readers.read.map((r) => r.name)).toContain('测试警员1');
      expect(await countOf(officer, seq)).toBe(before);
    });

    it('tells the new counts only to staff sockets watching the chat, until they watch another or none', async () => {
      const [stayLogin, switchLogin, closeLogin, idleLogin] = await addStaff(t.hub, gridId, 4, 'grid_worker', 'rw');
      await provisionGroups(t.hub.store.db);
      const officer = await open(officerLogin);
      const [stay, switcher, closer, idle] = (await Promise.all(
        [stayLogin!, switchLogin!, closeLogin!, idleLogin!].map(open),
      )) as [TestSocket, TestSocket, TestSocket, TestSocket];
      const [watchingLogin, readerLogin] = residentLogins.slice(1, 3) as [string, string];
      const resident = await open(watchingLogin);
      const reader = await open(readerLogin);
      const heard = new Map<TestSocket, GroupReadCounts[]>();
      for (const s of [switcher, closer, idle, resident]) {
        heard.set(s, []);
        s.on('group:reads-changed', (c) => c.groupId === groupId && heard.get(s)!.push(c));
      }
      const heardBy = (s: TestSocket) => heard.get(s)!.length;
      for (const s of [stay, switcher, closer, resident])
        expect(await s.emitWithAck('group:watch', { groupId })).toMatchObject({ ok: true });
      const elsewhere = await switcher.emitWithAck('group:list', {});
      const otherGroupId = elsewhere.ok && elsewhere.groups.find((g) => g.id !== groupId)?.id;
      if (!otherGroupId) throw new Error('the grid worker has no second group');

      const seq = await send(officer, '明早九点停水');
      const start = (await countOf(officer, seq))!;
      /** Resolves when `s` hears the message's count fall to `unread`. */
      const countFalls = (s: TestSocket, unread: number) =>
        new Promise<GroupReadCounts>((resolve) =>
          s.on('group:reads-changed', (c) => {
            if (c.groupId === groupId && c.counts.some((x) => x.seq === seq && x.unread === unread)) resolve(c);
          }),
        );
      // The round trip of each socket after the watcher heard: anything emitted to it in that flush is in.
      const settled = () =>
        Promise.all([switcher, closer, idle, resident].map((s) => s.emitWithAck('system:ping', {})));

      const first = countFalls(stay, start - 1);
      const switcherHeard = countFalls(switcher, start - 1);
      const closerHeard = countFalls(closer, start - 1);
      await reader.emitWithAck('group:read', { groupId, seq });
      const event = await first;
      expect(event.fromSeq).toBeLessThanOrEqual(seq);
      expect(event.toSeq).toBeGreaterThanOrEqual(seq);
      await Promise.all([switcherHeard, closerHeard]);
      await settled();
      // Staff not watching the chat and a resident watching it heard nothing.
      expect([heardBy(idle), heardBy(resident)]).toEqual([0, 0]);

      // One watches another of their groups, one closes the chat: the next move reaches neither.
      expect(await switcher.emitWithAck('group:watch', { groupId: otherGroupId })).toMatchObject({ ok: true });
      expect(await closer.emitWithAck('group:watch', { groupId: null })).toEqual({ ok: true, online: [] });
      const before = [heardBy(switcher), heardBy(closer)];
      const second = countFalls(stay, start - 2);
      await closer.emitWithAck('group:read', { groupId, seq });
      await second;
      await settled();
      expect([heardBy(switcher), heardBy(closer)]).toEqual(before);
      expect([heardBy(idle), heardBy(resident)]).toEqual([0, 0]);
    });

    it("stops telling a member's sockets once the group notifier removes them from it", async () => {
      // Residents are removed through group:member; staff leave with a unit move, which also closes their
      // sockets. Either way the notifier's removal must take the reads room with the group's.
      const [leaverLogin] = await addStaff(t.hub, gridId, 1, 'grid_worker', 'rm');
      await provisionGroups(t.hub.store.db);
      const officer = await open(officerLogin);
      const leaver = await open(leaverLogin!);
      const reader = await open(residentLogins[3]!);
      for (const s of [officer, leaver]) await s.emitWithAck('group:watch', { groupId });
      const seq = await send(officer, '周五下午安全检查');
      const start = (await countOf(officer, seq))!;
      const leaverHeard: GroupReadCounts[] = [];
      leaver.on('group:reads-changed', (c) => c.groupId === groupId && leaverHeard.push(c));

      const { id: leaverId } = await t.hub.store.db
        .selectFrom('users')
        .select('id')
        .where('login', '=', leaverLogin!)
        .executeTakeFirstOrThrow();
      createGroupNotifier(t.hub.realtime.io).memberRemoved(groupId, leaverId);
      const leaverRooms = () => [...t.hub.realtime.io.sockets.sockets.get(leaver.id!)!.rooms];
      await expect.poll(leaverRooms).not.toContain(`group:${groupId}`);
      expect(leaverRooms().filter((r) => r.endsWith(groupId))).toEqual([]);

      const told = new Promise<void>((resolve) =>
        officer.on('group:reads-changed', (c) => {
          if (c.groupId === groupId && c.counts.some((x) => x.seq === seq && x.unread === start - 1)) resolve();
        }),
      );
      await reader.emitWithAck('group:read', { groupId, seq });
      await told;
      await leaver.emitWithAck('system:ping', {});
      expect(leaverHeard.filter((c) => c.counts.some((x) => x.seq === seq && x.unread === start - 1))).toEqual([]);
    });

    it('refuses a watch of a group not theirs or unknown, and malformed ones, keeping the current watch', async () => {
      const officer = await open(officerLogin);
      const rooms = () =>
        [...t.hub.realtime.io.sockets.sockets.get(officer.id!)!.rooms].filter((r) => r.startsWith('group-')).sort();
      expect(await officer.emitWithAck('group:watch', { groupId })).toMatchObject({ ok: true });
      const watching = [`group-presence:${groupId}`, `group-reads:${groupId}`];
      expect(rooms()).toEqual(watching);
      for (const other of [(await gridNotOf(officerLogin)).id, '01ZZZZZZZZZZZZZZZZZZZZZZZZ'])
        expect(await officer.emitWithAck('group:watch', { groupId: other })).toMatchObject({
          ok: false,
          error: { code: 'not_found' },
        });
      for (const bad of [{}, { groupId: 42 }, { groupId: [groupId] }, { groupId: 'x'.repeat(10_000) }, null])
        expect(await officer.emitWithAck('group:watch', bad as never)).toMatchObject({
          ok: false,
          error: { code: 'validation_failed' },
        });
      expect(rooms()).toEqual(watching);
    });

    it('refuses residents, strangers, messages without read status and malformed questions, changing nothing', async () => {
      const officer = await open(officerLogin);
      const resident = await open(residentLogins[0]!);
      const seq = await send(officer, '注意防范电信诈骗');
      const residentSeq = await send(resident, '好的');

      for (const [event, payload] of [
        ['group:read-counts', { groupId, fromSeq: seq, toSeq: seq }],
        ['group:readers', { groupId, seq }],
      ] as const)
        expect(await resident.emitWithAck(event, payload as never)).toMatchObject({
          ok: false,
          error: { code: 'forbidden' },
        });

      const elsewhere = await gridNotOf(officerLogin);
      expect(await officer.emitWithAck('group:readers', { groupId: elsewhere.id, seq: 1 })).toMatchObject({
        ok: false,
        error: { code: 'not_found' },
      });
      expect(
        await officer.emitWithAck('group:read-counts', { groupId: elsewhere.id, fromSeq: 1, toSeq: 2 }),
      ).toMatchObject({ ok: false, error: { code: 'not_found' } });

      // A resident's message and a seq past the end have no read status.
      for (const s of [residentSeq, residentSeq + 1000])
        expect(await officer.emitWithAck('group:readers', { groupId, seq: s })).toMatchObject({
          ok: false,
          error: { code: 'not_found' },
        });

      for (const bad of [
        { groupId, fromSeq: 1, toSeq: MAX_READ_COUNT_SPAN + 1 },
        { groupId, fromSeq: 5, toSeq: 4 },
        { groupId, fromSeq: 0, toSeq: 4 },
        { groupId, fromSeq: '1', toSeq: 4 },
        { groupId: 42, fromSeq: 1, toSeq: 4 },
        { groupId: 'x'.repeat(100), fromSeq: 1, toSeq: 4 },
      ])
        expect(await officer.emitWithAck('group:read-counts', bad as never)).toMatchObject({
          ok: false,
          error: { code: 'validation_failed' },
        });
      for (const bad of [{ groupId, seq: -1 }, { groupId, seq: 1.5 }, { groupId }, { groupId, seq: [1] }])
        expect(await officer.emitWithAck('group:readers', bad as never)).toMatchObject({
          ok: false,
          error: { code: 'validation_failed' },
        });
      // Asking changed nobody's cursor.
      expect(await countOf(officer, seq)).toBe((await activeMembers()) - 2);
    });

    it('rate-limits a person asking over and over', async () => {
      const [workerLogin] = await addStaff(t.hub, gridId, 1, 'grid_worker', 'gw');
      await provisionGroups(t.hub.store.db);
      const worker = await open(workerLogin!);
      const codes: string[] = [];
      for (let i = 0; i < 40; i++) {
        const res = await worker.emitWithAck('group:read-counts', { groupId, fromSeq: 1, toSeq: 10 });
        codes.push(res.ok ? 'ok' : res.error.code);
      }
      expect(codes).toContain('ok');
      expect(codes).toContain('rate_limited');
      expect(codes.filter((c) => c !== 'ok' && c !== 'rate_limited')).toEqual([]);
    });
  });
}
