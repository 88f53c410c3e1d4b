import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiClient,
  checkNewGridHeardLive,
  gridOverHttp,
  connectSocket,
  csv,
  login,
  nextEvent,
  startTestHub,
  storeDialects,
  type ApiClient,
  type TestHub,
  type TestSocket,
} from '../../test-support/index.ts';
import type { MessageView } from '../protocol/index.ts';

/** The unit tree's administration and the groups that follow it, on both stores. */
for (const dialect of await storeDialects()) {
  describe.skipIf(!dialect.available)(`unit administration on ${dialect.name}`, () => {
    let t: TestHub;
    let drop: () => Promise<void>;
    let admin: ApiClient;
    let head: ApiClient;
    const unitByCode = (code: string) =>
      t.hub.store.db.selectFrom('units').selectAll().where('code', '=', code).executeTakeFirstOrThrow();
    /** A socket that reconnects by itself, as the web's does. */
    const open = async (who: string) =>
      connectSocket(t.url, { cookie: (await login(t.url, who)).cookie, reconnect: true });
    const groupOf = (unitId: string) =>
      t.hub.store.db.selectFrom('groups').selectAll().where('unit_id', '=', unitId).executeTakeFirst();

    beforeAll(async () => {
      const target = await dialect.databaseUrl();
      drop = target.drop;
      t = await startTestHub({ databaseUrl: target.url });
      admin = apiClient(t.url, (await login(t.url, 'admin')).cookie);
      const ty = await unitByCode('BH-ZS-TY');
      const headLogin = await t.hub.store.db
        .selectFrom('users')
        .select('login')
        .where('unit_id', '=', ty.id)
        .where('role', '=', 'station_head')
        .executeTakeFirstOrThrow();
      head = apiClient(t.url, (await login(t.url, headLogin.login)).cookie);
    });
    afterAll(async () => {
      await t?.close();
      await drop?.();
    });

    it('lists the tree an admin manages, and only their station to a station head; nobody else', async () => {
      const all = (await admin('GET', '/api/admin/units')).body.units;
      expect(all.length).toBeGreaterThan(40);
      const mine = (await head('GET', '/api/admin/units')).body.units;
      expect(mine[0]).toMatchObject({ code: 'BH-ZS-TY', kind: 'station', retired: false });
      expect(mine.every((u: { code: string }) => u.code.startsWith('BH-ZS-TY'))).toBe(true);
      expect(mine.find((u: { code: string }) => u.code === 'BH-ZS-TY-SQ').staffCount).toBeGreaterThan(0);
      const officer = apiClient(t.url, (await login(t.url, '100006')).cookie);
      const refused = await officer('GET', '/api/admin/units');
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('forbidden');
    });

    it('creates units of the kinds that fit their parent, with unique codes, and their groups', async () => {
      const community = await unitByCode('BH-ZS-TY-C1');
      const grid = await admin('POST', '/api/admin/units', {
        parentId: community.id,
        kind: 'grid',
        name: '桃源社区第三网格',
        code: 'TY-C1-G3',
      });
      expect(grid.status).toBe(201);
      expect(grid.body.unit).toMatchObject({
        parentId: community.id,
        kind: 'grid',
        code: 'TY-C1-G3',
        retired: false,
        staffCount: 0,
      });
      expect(await groupOf(grid.body.unit.id)).toMatchObject({
        kind: 'grid',
        name: '桃源社区第三网格群',
        archived_at: null,
      });
      const generated = await admin('POST', '/api/admin/units', {
        parentId: community.id,
        kind: 'grid',
        name: '桃源社区第四网格',
      });
      expect(generated.body.unit.code).toMatch(/^BH-ZS-TY-C1-G\d+$/);

      const station = await unitByCode('BH-ZS-TY');
      for (const [body, code] of [
        [{ parentId: community.id, kind: 'squad', name: '错位中队' }, 'unit_kind_mismatch'],
        [{ parentId: station.id, kind: 'grid', name: '错位网格' }, 'unit_kind_mismatch'],
        [{ parentId: null, kind: 'station', name: '悬空派出所' }, 'unit_kind_mismatch'],
        [{ parentId: community.id, kind: 'grid', name: '重复代码网格', code: 'TY-C1-G3' }, 'code_taken'],
        [{ parentId: community.id, kind: 'grid', name: '重复代码网格', code: 'BH-ZS-TY' }, 'code_taken'],
      ] as const) {
        const refused = await admin('POST', '/api/admin/units', body);
        expect(refused.body.error.code).toBe(code);
      }
      expect(
        await t.hub.store.db
          .selectFrom('units')
          .select('id')
          .where('name', 'in', ['错位中队', '错位网格', '悬空派出所', '重复代码网格'])
          .execute(),
      ).toEqual([]);
    });

    it('a new grid reaches its community’s open sockets live, and nobody outside the community', async () => {
      await checkNewGridHeardLive({
        t,
        open,
        communityCode: 'BH-ZS-TY-C3',
        outsiderCommunityCode: 'BH-ZS-TY-C1',
        create: gridOverHttp(admin, '友好社区第三网格'),
      });
    });

    it('a grid made by a unit import reaches its community’s open sockets live, too', async () => {
      await checkNewGridHeardLive({
        t,
        open,
        communityCode: 'BH-XC-XC-C2',
        outsiderCommunityCode: 'BH-XC-XC-C3',
        create: async () => {
          const file = csv([
            ['单位名称', '类型', '上级单位', '单位代码'],
            ['天山社区第六网格', '网格', 'BH-XC-XC-C2', 'BH-XC-XC-C2-G6'],
          ]);
          const res = await admin('POST', '/api/admin/import/units?apply=1', file, { 'content-type': 'text/csv' });
          expect(res.body).toMatchObject({ applied: true, summary: { create: 1 } });
          return (await unitByCode('BH-XC-XC-C2-G6')).id;
        },
      });
    });

    it('a new command room reaches its station head’s open sockets live, and no other station’s head', async () => {
      const headOf = async (code: string) =>
        (
          await t.hub.store.db
            .selectFrom('users')
            .select('login')
            .where('unit_id', '=', (await unitByCode(code)).id)
            .where('role', '=', 'station_head')
            .executeTakeFirstOrThrow()
        ).login;
      const station = await unitByCode('BH-ZS-TY');
      const sockets = [await open(await headOf('BH-ZS-TY')), await open(await headOf('BH-ZS-TY'))];
      const [phone, desk] = sockets as [TestSocket, TestSocket];
      const other = await open(await headOf('BH-ZS-HC'));
      sockets.push(other);
      try {
        const told = nextEvent<{ groupId: string }>(phone, 'group:changed');
        const made = await admin('POST', '/api/admin/units', {
          parentId: station.id,
          kind: 'command_room',
          name: '天源所第二指挥室',
        });
        expect(made.status).toBe(201);
        const group = await groupOf(made.body.unit.id);
        expect((await told).groupId).toBe(group!.id);

        // The head's other tab writes; the first hears it live.
        const live = nextEvent<MessageView>(phone, 'message:created');
        const sent = await desk.emitWithAck('message:send', {
          groupId: group!.id,
          clientId: 'cmd-room-1',
          text: '指挥室开通',
        });
        if (!sent.ok) throw new Error(sent.error.message);
        expect(await live).toMatchObject({ id: sent.message.id, groupId: group!.id });

        const theirs = await other.emitWithAck('group:list', {});
        expect(theirs.ok && theirs.groups.map((g) => g.id)).not.toContain(group!.id);
        const refused = await other.emitWithAck('message:send', {
          groupId: group!.id,
          clientId: 'cmd-room-2',
          text: '越权',
        });
        expect(!refused.ok && refused.error.code).toBe('not_found');
      } finally {
        for (const s of sockets) s.close();
      }
    });

    it('renames and re-codes a unit, its groups follow; a move under its own descendant is refused', async () => {
      const station = await unitByCode('BH-ZS-HC');
      const renamed = await admin('PATCH', `/api/admin/units/${station.id}`, {
        name: '海昌新区派出所',
        code: 'BH-ZS-HCX',
      });
      expect(renamed.body.unit).toMatchObject({ name: '海昌新区派出所', code: 'BH-ZS-HCX' });
      expect((await groupOf(station.id))!.name).toBe('海昌新区派出所全体民警');
      const squad = await unitByCode('BH-ZS-HC-SQ');
      expect((await groupOf(squad.id))!.name).toBe('海昌新区派出所社区警务中队');
      const taken = await admin('PATCH', `/api/admin/units/${station.id}`, { code: 'BH-ZS-TY' });
      expect(taken.body.error.code).toBe('code_taken');

      const branch = await unitByCode('BH-ZS');
      const below = await unitByCode('BH-ZS-TY-C1');
      const cycle = await admin('PATCH', `/api/admin/units/${branch.id}`, { parentId: below.id });
      expect(cycle.body.error.code).toBe('unit_cycle');
      const self = await admin('PATCH', `/api/admin/units/${branch.id}`, { parentId: branch.id });
      expect(self.body.error.code).toBe('unit_cycle');
      expect((await unitByCode('BH-ZS')).parent_id).toBe(branch.parent_id);
    });

    it('moves a community to another station: paths re-root, its officers change station groups', async () => {
      const community = await unitByCode('BH-ZS-TY-C4');
      const target = await unitByCode('BH-XC-XC');
      const officer = await t.hub.store.db
        .selectFrom('users')
        .select('id')
        .where('unit_id', '=', community.id)
        .where('role', '=', 'officer')
        .executeTakeFirstOrThrow();
      const moved = await admin('PATCH', `/api/admin/units/${community.id}`, { parentId: target.id });
      expect(moved.body.unit.parentId).toBe(target.id);
      const grid = await unitByCode('BH-ZS-TY-C4-G1');
      expect(grid.path).toBe(`${target.path}${community.id}/${grid.id}/`);
      const groups = await t.hub.store.db
        .selectFrom('group_members')
        .innerJoin('groups', 'groups.id', 'group_members.group_id')
        .select(['groups.unit_id', 'groups.kind', 'group_members.status'])
        .where('group_members.user_id', '=', officer.id)
        .where('groups.kind', '=', 'station_staff')
        .execute();
      const ty = await unitByCode('BH-ZS-TY');
      expect(groups).toEqual(
        expect.arrayContaining([
          { unit_id: ty.id, kind: 'station_staff', status: 'removed' },
          { unit_id: target.id, kind: 'station_staff', status: 'active' },
        ]),
      );
    });

    it('retires only an empty unit: its group is archived and listed to nobody', async () => {
      const squad = await unitByCode('BH-ZS-TY-AJ');
      const busy = await admin('POST', `/api/admin/units/${squad.id}/retire`);
      expect(busy.status).toBe(409);
      expect(busy.body.error.code).toBe('unit_not_empty');
      const community = await unitByCode('BH-ZS-TY-C1');
      const parent = await admin('POST', `/api/admin/units/${community.id}/retire`);
      expect(parent.body.error.code).toBe('unit_not_empty');

      const empty = await unitByCode('TY-C1-G3');
      const officerLogin = await t.hub.store.db
        .selectFrom('users')
        .select(['id', 'login'])
        .where('unit_id', '=', community.id)
        .where('role', '=', 'officer')
        .executeTakeFirstOrThrow();
      const group = (await groupOf(empty.id))!;
      const member = () =>
        t.hub.store.db
          .selectFrom('group_members')
          .select('status')
          .where('group_id', '=', group.id)
          .where('user_id', '=', officerLogin.id)
          .executeTakeFirstOrThrow();
      // The community's officer joined the new grid's group when it was made (一村一警), and leaves it now.
      expect((await member()).status).toBe('active');
      const retired = await admin('POST', `/api/admin/units/${empty.id}/retire`);
      expect(retired.body.unit).toMatchObject({ retired: true });
      expect((await groupOf(empty.id))!.archived_at).not.toBeNull();
      expect((await member()).status).toBe('removed');
      const socket = await connectSocket(t.url, { cookie: (await login(t.url, officerLogin.login)).cookie });
      const listed = await socket.emitWithAck('group:list', {});
      socket.close();
      expect(listed.ok && listed.groups.length).toBeGreaterThan(0);
      expect(listed.ok && listed.groups.map((g) => g.id)).not.toContain(group.id);
      // Residents can no longer sign up for it.
      const options = await (await fetch(`${t.url}/api/register/stations/BH-ZS-TY`)).text();
      expect(options).not.toContain(empty.id);
      const signUp = await fetch(`${t.url}/api/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: t.url },
        body: JSON.stringify({
          phone: '13512345678',
          name: '晚到',
          password: 'resident-pass-2026',
          stationCode: 'BH-ZS-TY',
          gridId: empty.id,
        }),
      });
      expect(signUp.status).toBe(404);
      const person = await admin('POST', '/api/admin/people', {
        login: '990001',
        name: '迟到',
        role: 'grid_worker',
        unitId: empty.id,
      });
      expect(person.body.error.message).toContain('retired');
    });

    it('keeps a station head to their own station: no other station, no station of their own making, no move of theirs', async () => {
      const ownCommunity = await unitByCode('BH-ZS-TY-C2');
      const made = await head('POST', '/api/admin/units', {
        parentId: ownCommunity.id,
        kind: 'grid',
        name: '长春社区第三网格',
      });
      expect(made.status).toBe(201);
      const otherCommunity = await unitByCode('BH-XC-XC-C1');
      const foreign = await head('POST', '/api/admin/units', {
        parentId: otherCommunity.id,
        kind: 'grid',
        name: '越界网格',
      });
      expect(foreign.status).toBe(404);
      const branch = await unitByCode('BH-ZS');
      const station = await head('POST', '/api/admin/units', {
        parentId: branch.id,
        kind: 'station',
        name: '自建派出所',
      });
      expect(station.status).toBe(404);
      const ty = await unitByCode('BH-ZS-TY');
      const move = await head('PATCH', `/api/admin/units/${ty.id}`, { parentId: (await unitByCode('BH-XC')).id });
      expect(move.status).toBe(403);
      const retire = await head('POST', `/api/admin/units/${ty.id}/retire`);
      expect(retire.status).toBe(403);
      const rename = await head('PATCH', `/api/admin/units/${ty.id}`, { name: '桃源派出所' });
      expect(rename.status).toBe(200);
    });

    it('audits every change with who, what and before → after', async () => {
      const entries = (await admin('GET', '/api/admin/audit?targetType=unit')).body.entries;
      const rename = entries.find(
        (e: { action: string; after: { name?: string } | null }) =>
          e.action === 'unit.update' && e.after?.name === '海昌新区派出所',
      );
      expect(rename).toMatchObject({
        actorName: '系统管理员',
        before: { name: '海昌派出所', code: 'BH-ZS-HC' },
        after: { code: 'BH-ZS-HCX' },
      });
      expect(entries.some((e: { action: string }) => e.action === 'unit.retire')).toBe(true);
      expect((await head('GET', '/api/admin/audit')).status).toBe(403);
      // Paged by cursor, newest first, and the same as a CSV file.
      const first = (await admin('GET', '/api/admin/audit')).body;
      expect(first.entries.length).toBeGreaterThan(3);
      const at = first.entries.map((e: { at: number }) => e.at);
      expect([...at].sort((x, y) => y - x)).toEqual(at);
      const file = await admin('GET', '/api/admin/audit.csv?targetType=unit&action=unit.update');
      expect(file.headers.get('content-disposition')).toContain('audit.csv');
      const lines = file.text.trim().split('\r\n');
      expect(lines[0]).toBe('time,actor,actor id,action,target type,target id,before,after');
      expect(lines.slice(1).every((l) => l.includes(',unit.update,unit,'))).toBe(true);
      expect(file.text).toContain('海昌新区派出所');
    });
  });
}
