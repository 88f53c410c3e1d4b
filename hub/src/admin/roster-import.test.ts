import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiClient,
  connectSocket,
  encodeGbk,
  nextEvent,
  setUpFirstAdmin,
  startTestHub,
  storeDialects,
  type ApiClient,
  type TestHub,
  type TestSocket,
} from '../../test-support/index.ts';
import { buildStationRoster, csv, stationUnitsCsv } from '../../test-support/roster.ts';

const CSV = { 'content-type': 'text/csv' };
const XLSX = { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };

/**
 * A station goes live from files: its unit tree, then a roster of 80 staff and 3,000 residents
 * (imported as people with role 群众 in their grids), on a production store of each dialect.
 */
for (const dialect of await storeDialects()) {
  describe.skipIf(!dialect.available)(`roster import on ${dialect.name}`, () => {
    let t: TestHub;
    let drop: () => Promise<void>;
    let admin: ApiClient;
    let adminCookie: string;
    const roster = buildStationRoster();
    const sockets: TestSocket[] = [];
    const count = async () => (await t.hub.store.db.selectFrom('users').select('id').execute()).length;

    beforeAll(async () => {
      const target = await dialect.databaseUrl();
      drop = target.drop;
      t = await startTestHub({ databaseUrl: target.url, demo: false });
      adminCookie = await setUpFirstAdmin(t);
      admin = apiClient(t.url, adminCookie);
    });
    afterAll(async () => {
      for (const s of sockets) s.close();
      await t?.close();
      await drop?.();
    });

    it('imports the unit tree: a dry run writes nothing, apply builds it with its groups, a second run changes nothing', async () => {
      const file = stationUnitsCsv();
      const dry = await admin('POST', '/api/admin/import/units?apply=0', file, CSV);
      expect(dry.body).toMatchObject({ applied: false, summary: { create: 41, update: 1, unchanged: 0, refuse: 0 } });
      expect(dry.body.rows[0]).toEqual({
        row: 2,
        action: 'update',
        code: 'ROOT',
        changes: { name: ['公安局', '江北市公安局'] },
      });
      expect((await t.hub.store.db.selectFrom('units').select('id').execute()).length).toBe(1);
      const applied = await admin('POST', '/api/admin/import/units?apply=1', file, CSV);
      expect(applied.body).toMatchObject({ applied: true, summary: { create: 41, update: 1 } });
      const groups = await t.hub.store.db.selectFrom('groups').select('kind').execute();
      const kinds = groups.map((g) => g.kind).sort();
      expect(kinds.filter((k) => k === 'grid')).toHaveLength(24);
      expect(kinds.filter((k) => k === 'squad')).toHaveLength(2);
      expect(kinds.filter((k) => k === 'command_room')).toHaveLength(1);
      expect(kinds.filter((k) => k === 'station_staff')).toHaveLength(1);
      const again = await admin('POST', '/api/admin/import/units?apply=1', file, CSV);
      expect(again.body.summary).toEqual({ create: 0, update: 0, unchanged: 42, refuse: 0 });
    });

    it('imports 80 staff and 3,000 residents: dry run per row, apply in one go, the same file twice changes nothing', async () => {
      const file = `\uFEFF${csv(roster.rows)}`;
      const before = await count();
      const dry = await admin('POST', '/api/admin/import/people?apply=0', file, CSV);
      expect(dry.body.summary).toEqual({ create: 3080, update: 0, unchanged: 0, refuse: 0 });
      expect(await count()).toBe(before);
      const started = performance.now();
      const applied = await admin('POST', '/api/admin/import/people?apply=1', file, CSV);
      const ms = Math.round(performance.now() - started);
      console.info(`[roster-import ${dialect.name}] 3,080-row roster applied in ${ms} ms`);
      expect(applied.body).toMatchObject({ applied: true, summary: { create: 3080 } });
      expect(applied.body.temporaryPasswords).toHaveLength(3080);
      expect(await count()).toBe(before + 3080);
      // Residents joined their grid's group, staff their squads and the station's staff group.
      const members = await t.hub.store.db
        .selectFrom('group_members')
        .innerJoin('groups', 'groups.id', 'group_members.group_id')
        .select(['groups.kind'])
        .where('group_members.status', '=', 'active')
        .execute();
      expect(members.filter((m) => m.kind === 'station_staff')).toHaveLength(80);
      expect(members.filter((m) => m.kind === 'grid').length).toBe(3000 + 24 + 24 * 2);
      const twice = await admin('POST', '/api/admin/import/people?apply=1', file, CSV);
      expect(twice.body.summary).toEqual({ create: 0, update: 0, unchanged: 3080, refuse: 0 });
      expect(twice.body.temporaryPasswords).toEqual([]);
    });

    it('a second roster changing 5 people changes exactly those 5: their sockets close, their groups follow', async () => {
      const { rows, changed } = roster.withFiveChanged();
      const people = await t.hub.store.db
        .selectFrom('users')
        .select(['id', 'login', 'unit_id', 'role'])
        .where('login', 'in', [...changed, roster.unchangedLogin])
        .execute();
      const byLogin = new Map(people.map((p) => [p.login, p]));
      // The five and one unchanged person are online (sessions made in the store: their passwords are temporary).
      const open = async (login: string) => {
        const s = await connectSocket(t.url, { token: await sessionFor(t, byLogin.get(login)!.id) });
        sockets.push(s);
        return s;
      };
      const watched = await Promise.all(changed.map(open));
      const control = await open(roster.unchangedLogin);
      const closed = watched.map((s) => nextEvent<string>(s, 'disconnect'));

      const dry = await admin('POST', '/api/admin/import/people?apply=0', csv(rows), CSV);
      expect(dry.body.summary).toEqual({ create: 0, update: 5, unchanged: 3075, refuse: 0 });
      const updates = dry.body.rows.filter((r: { action: string }) => r.action === 'update');
      expect(updates.map((r: { login: string }) => r.login).sort()).toEqual([...changed].sort());
      expect(Object.keys(updates.find((r: { login: string }) => r.login === changed[2]).changes).sort()).toEqual([
        'role',
        'unitId',
      ]);

      const applied = await admin('POST', '/api/admin/import/people?apply=1', csv(rows), CSV);
      expect(applied.body).toMatchObject({ applied: true, summary: { update: 5, unchanged: 3075 } });
      expect(await Promise.all(closed)).toEqual(Array(5).fill('io server disconnect'));
      // The unchanged person's socket still answers.
      expect(await control.emitWithAck('system:ping', {})).toMatchObject({
        ok: false,
        error: { code: 'password_change_required' },
      });
      expect(control.connected).toBe(true);

      const after = await t.hub.store.db
        .selectFrom('users')
        .select(['login', 'unit_id', 'role', 'updated_at'])
        .where('login', 'in', changed)
        .execute();
      for (const p of after)
        expect([p.unit_id, p.role]).not.toEqual([byLogin.get(p.login)!.unit_id, byLogin.get(p.login)!.role]);
      const movedOfficer = after.find((p) => p.login === changed[0]!)!;
      const groups = await t.hub.store.db
        .selectFrom('group_members')
        .innerJoin('groups', 'groups.id', 'group_members.group_id')
        .select(['groups.unit_id', 'group_members.status'])
        .where('group_members.user_id', '=', byLogin.get(changed[0]!)!.id)
        .where('groups.kind', '=', 'squad')
        .execute();
      expect(groups).toEqual(
        expect.arrayContaining([
          { unit_id: byLogin.get(changed[0]!)!.unit_id, status: 'removed' },
          { unit_id: movedOfficer.unit_id, status: 'active' },
        ]),
      );
      const changedSince = await t.hub.store.db
        .selectFrom('users')
        .select('login')
        .where('updated_at', '>=', Math.min(...after.map((p) => p.updated_at)))
        .execute();
      expect(changedSince.map((p) => p.login).sort()).toEqual([...changed].sort());
    });

    it('imports a 5,000-row file in seconds (the time is printed, not asserted: machines here are shared)', async () => {
      const rows = [['姓名', '警号', '职务', '角色', '所属单位', '手机号']];
      for (let i = 0; i < 5000; i++)
        rows.push([
          `新居民${i + 1}`,
          '',
          '',
          '群众',
          `JB-JBS-C${(i % 12) + 1}-G${(i % 2) + 1}`,
          String(16000000000 + i),
        ]);
      const started = performance.now();
      const res = await admin('POST', '/api/admin/import/people?apply=1', csv(rows), CSV);
      const ms = Math.round(performance.now() - started);
      console.info(`[roster-import ${dialect.name}] 5,000-row file applied in ${ms} ms`);
      expect(res.body).toMatchObject({ applied: true, summary: { create: 5000, refuse: 0 } });
    });

    it('refuses wrong headers naming them, reads GBK as Excel saves it, refuses other bytes and 10 MB', async () => {
      const headers = await admin('POST', '/api/admin/import/people', '姓名,警号,职位,单位\n张三,1,民警,x\n', CSV);
      expect(headers.status).toBe(400);
      expect(headers.body.error.code).toBe('import_headers');
      expect(headers.body.error.message).toContain('角色');
      expect(headers.body.error.message).toContain('所属单位');
      expect(headers.body.error.issues).toEqual(
        expect.arrayContaining([
          { path: '职位', message: 'unknown' },
          { path: '角色', message: 'missing' },
        ]),
      );
      const gbk = encodeGbk(
        '姓名,警号,职务,角色,所属单位,手机号\r\n欧阳娜娜,880001,一级警员,民警,社区警务中队,13700000001\r\n',
      );
      const dry = await admin('POST', '/api/admin/import/people', gbk, CSV);
      expect(dry.body.rows).toEqual([{ row: 2, action: 'create', login: '880001' }]);
      const garbage = await admin(
        'POST',
        '/api/admin/import/people',
        new Uint8Array([0xff, 0xfe - 1, 0xff, 0x80, 0x80]),
        CSV,
      );
      expect(garbage.status).toBe(400);
      expect(garbage.body.error.message).toContain('neither UTF-8 nor GBK');
      const huge = await admin('POST', '/api/admin/import/people', 'x'.repeat(10 * 1024 * 1024 + 1), CSV);
      expect(huge.status).toBe(413);
      expect(huge.body.error.code).toBe('payload_too_large');
      // A workbook whose directory says it unpacks to gigabytes is refused before it is opened.
      const book = new ExcelJS.Workbook();
      book.addWorksheet('x').addRow(['姓名']);
      const bomb = Buffer.from(await book.xlsx.writeBuffer());
      for (let i = 0; i < bomb.length - 4; i++)
        if (bomb.readUInt32LE(i) === 0x02014b50) bomb.writeUInt32LE(0x7fffffff, i + 24);
      const inflated = await admin('POST', '/api/admin/import/people', new Uint8Array(bomb), XLSX);
      expect(inflated.status).toBe(400);
      expect(inflated.body.error.message).toContain('100 MB');
      const notZip = await admin('POST', '/api/admin/import/people', 'not a workbook at all', XLSX);
      expect(notZip.body.error.message).toContain('not a readable .xlsx');
      const untyped = await admin('POST', '/api/admin/import/people', 'a,b', { 'content-type': 'text/plain' });
      expect(untyped.status).toBe(400);
    });

    it('applies nothing when a row is refused, and says why per row', async () => {
      const before = await count();
      const file = csv([
        ['姓名', '警号', '职务', '角色', '所属单位', '手机号'],
        ['新人甲', '890001', '', '民警', '社区警务中队', ''],
        ['新人乙', '890002', '', '群众', '社区警务中队', ''],
        ['新人丙', '890003', '', '民警', '不存在的单位', ''],
        ['新人丁', '890001', '', '民警', '案件打处中队', ''],
        ['新人戊', '890004', '', '巡逻员', '案件打处中队', ''],
      ]);
      const res = await admin('POST', '/api/admin/import/people?apply=1', file, CSV);
      expect(res.body.applied).toBe(false);
      expect(res.body.rows.map((r: { reason?: string; action: string }) => r.reason ?? r.action)).toEqual([
        'create',
        'role_unit_mismatch',
        'unit_not_found',
        'duplicate_in_file',
        'role_unknown',
      ]);
      expect(await count()).toBe(before);
    });

    it('refuses unit rows that do not fit, move, or name no parent; and keeps a station head to their station', async () => {
      const units = csv([
        ['单位名称', '类型', '上级单位', '单位代码'],
        ['第1社区第1网格', '网格', 'JB-JBS-C2', 'JB-JBS-C1-G1'],
        ['错位网格', '网格', 'JB-JBS', 'JB-JBS-X1'],
        ['孤儿网格', '网格', '没有这个社区', 'JB-JBS-X2'],
        ['怪类', '大队', 'JB-JBS', 'JB-JBS-X3'],
        ['第13社区', '社区', 'JB-JBS', 'JB-JBS-C13'],
      ]);
      const res = await admin('POST', '/api/admin/import/units?apply=1', units, CSV);
      expect(res.body.applied).toBe(false);
      expect(res.body.rows.map((r: { reason?: string; action: string }) => r.reason ?? r.action)).toEqual([
        'move_not_supported',
        'unit_kind_mismatch',
        'parent_not_found',
        'kind_unknown',
        'create',
      ]);
      expect(
        await t.hub.store.db.selectFrom('units').select('id').where('code', '=', 'JB-JBS-C13').executeTakeFirst(),
      ).toBeUndefined();

      // A station head of this station, signed in with their chosen password.
      const station = await t.hub.store.db
        .selectFrom('units')
        .select('id')
        .where('code', '=', 'JB-JBS')
        .executeTakeFirstOrThrow();
      const made = await admin('POST', '/api/admin/people', {
        login: '700999',
        name: '副所长',
        role: 'station_head',
        unitId: station.id,
      });
      const first = await apiClient(t.url)('POST', '/api/auth/login', {
        login: '700999',
        password: made.body.temporaryPassword,
      });
      const cookie = /fq_session=[^;]+/.exec(first.headers.get('set-cookie')!)![0];
      const head = apiClient(t.url, cookie);
      await head('POST', '/api/account/password', {
        currentPassword: made.body.temporaryPassword,
        newPassword: 'Deputy-Head-2026',
      });
      const roster = csv([
        ['姓名', '警号', '职务', '角色', '所属单位', '手机号'],
        ['新辅警', '893001', '', '辅警', '案件打处中队', ''],
        ['越权所长', '893002', '', '所长', '江北派出所', ''],
        ['越权管理员', '893003', '', '系统管理员', 'ROOT', ''],
        ['江所长', '700001', '一级警长', '所长', '江北派出所', '13900000001'],
      ]);
      const mine = await head('POST', '/api/admin/import/people?apply=0', roster, CSV);
      expect(mine.body.rows.map((r: { reason?: string; action: string }) => r.reason ?? r.action)).toEqual([
        'create',
        'forbidden',
        'unit_not_found',
        'forbidden',
      ]);
    });

    it('exports the same shape it imports, formula cells escaped, and an export imports back unchanged (CSV and xlsx)', async () => {
      const squad = await t.hub.store.db
        .selectFrom('units')
        .select('id')
        .where('code', '=', 'JB-JBS-SQ')
        .executeTakeFirstOrThrow();
      for (const [login, name] of [
        ['891001', "=cmd|' /C calc'!A0"],
        ['891002', '+SUM(1,2)'],
        ['891003', '@HYPERLINK("x")'],
      ])
        expect(
          (await admin('POST', '/api/admin/people', { login, name, role: 'officer', unitId: squad.id })).status,
        ).toBe(201);
      const exported = await admin('GET', '/api/admin/export/people.csv');
      expect(exported.headers.get('content-type')).toContain('text/csv');
      // fetch drops the BOM as it decodes; the bytes carry it, so that Excel reads the Chinese right.
      expect(exported.text.startsWith('姓名,警号,职务,角色,所属单位,手机号\r\n')).toBe(true);
      const raw = new Uint8Array(
        await (await fetch(`${t.url}/api/admin/export/people.csv`, { headers: { cookie: adminCookie } })).arrayBuffer(),
      );
      expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(exported.text).toContain("'=cmd|' /C calc'!A0,891001");
      expect(exported.text).toContain(`"'+SUM(1,2)",891002`);
      expect(exported.text).toContain(`"'@HYPERLINK(""x"")",891003`);
      expect(exported.text).not.toMatch(/(^|,)[=+@]/m);
      const back = await admin('POST', '/api/admin/import/people?apply=0', exported.text, CSV);
      expect(back.body.summary).toMatchObject({ create: 0, update: 0, refuse: 0 });

      const xlsx = await fetch(`${t.url}/api/admin/export/people.xlsx`, { headers: { cookie: adminCookie } });
      const workbook = new Uint8Array(await xlsx.arrayBuffer());
      const fromExport = await admin('POST', '/api/admin/import/people?apply=0', workbook, XLSX);
      expect(fromExport.body.summary).toMatchObject({ create: 0, update: 0, refuse: 0 });
      expect(fromExport.body.summary.unchanged).toBe(back.body.summary.unchanged);
      const file = await admin('GET', '/api/admin/export/units.csv');
      const units = await admin('POST', '/api/admin/import/units?apply=0', file.text, CSV);
      expect(units.body.summary).toEqual({ create: 0, update: 0, unchanged: 42, refuse: 0 });

      const book = new ExcelJS.Workbook();
      const sheet = book.addWorksheet('roster');
      sheet.addRow(['姓名', '警号', '职务', '角色', '所属单位', '手机号']);
      sheet.addRow(['司马光', '892001', '二级警长', '民警', '案件打处中队', 13700000002]);
      const upload = new Uint8Array(await book.xlsx.writeBuffer());
      const fromXlsx = await admin('POST', '/api/admin/import/people?apply=1', upload, XLSX);
      expect(fromXlsx.body).toMatchObject({ applied: true, summary: { create: 1 } });
      const person = await t.hub.store.db
        .selectFrom('users')
        .selectAll()
        .where('login', '=', '892001')
        .executeTakeFirstOrThrow();
      expect(person).toMatchObject({ name: '司马光', rank: '二级警长', phone: '13700000002', role: 'officer' });
    });
  });
}

/** A session for a person straight in the store (their imported password is temporary and unknown here). */
async function sessionFor(t: TestHub, userId: string): Promise<string> {
  const { createSessionService } = await import('../auth/session.service.ts');
  const { token } = await createSessionService(t.hub.store.db, { idleMs: 3600_000 }).create(userId);
  return token;
}
