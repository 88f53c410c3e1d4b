import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HotlineThreadView } from '../protocol/index.ts';
import {
  connectSocket,
  login,
  nextEvent,
  startTestHub,
  storeDialects,
  type TestHub,
  type TestSocket,
} from '../../test-support/index.ts';
import { cid, startHotlineFixture, type HotlineFixture } from '../../test-support/hotline-fixture.ts';

const NOTE = '内部备注：该住户曾多次反映，注意核实身份证号320102';

/** Who sees what: residents only their own threads, staff only their station's, notes never outside the desk; bad input changes nothing. */
for (const dialect of await storeDialects()) {
  describe.skipIf(!dialect.available)(`hotline privacy and bad input on ${dialect.name}`, () => {
    let thread: HotlineThreadView;
    let head: TestSocket;
    let resident: TestSocket;
    let f: HotlineFixture;
    let drop: () => Promise<void>;
    let t: HotlineFixture['t'];
    let stationCode: string;
    let headLogin: string;
    let officerId: string;
    let residentA: HotlineFixture['residentA'];
    let residentB: HotlineFixture['residentB'];
    const open = (l: string, capture = false) => f.open(l, capture);
    const api = (l: string, method: string, path: string, body?: unknown) => f.api(l, method, path, body);
    const counts = () => f.counts();

    beforeAll(async () => {
      const target = await dialect.databaseUrl();
      drop = target.drop;
      f = await startHotlineFixture({ databaseUrl: target.url });
      ({ t, headLogin, officerId, residentA, residentB } = f);
      stationCode = f.station.code;
      head = await f.open(headLogin);
      resident = await f.open(residentA.login, true);
      const created = await resident.emitWithAck('hotline:create', {
        clientId: cid(),
        category: 'complaint',
        text: '小区门口共享单车乱停乱放，堵住消防通道，多次反映无人处理。',
        place: '桃源社区北门',
      });
      if (!created.ok) throw new Error(created.error.message);
      thread = created.thread;
      const reply = await head.emitWithAck('hotline:send', {
        threadId: thread.id,
        clientId: cid(),
        text: '您好，已通知社区民警到现场查看。',
      });
      if (!reply.ok) throw new Error(reply.error.message);
    });
    afterAll(async () => {
      await f?.close();
      await drop?.();
    });

    it('refuses bad input with clear errors and stores nothing', async () => {
      const before = await counts();
      const bad: unknown[] = [
        { clientId: cid(), category: 'gossip', text: '你好' },
        { clientId: cid(), category: 'help', text: '长'.repeat(2001) },
        { clientId: cid(), category: 'help', text: '   ' },
        { clientId: 12345678, category: 'help', text: '你好' },
        { clientId: cid(), category: 'help', text: ['数组'] },
        'not an object',
      ];
      for (const p of bad) {
        const res = await resident.emitWithAck('hotline:create', p as never);
        expect(res).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
      }
      const rest = await api(residentA.login, 'POST', '/hotline/threads', {
        clientId: cid(),
        category: 'complaint',
        text: 5,
      });
      expect(rest.status).toBe(400);
      const staffCreate = await head.emitWithAck('hotline:create', {
        clientId: cid(),
        category: 'help',
        text: '所长自己不能发起',
      });
      expect(staffCreate).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      const forged = await resident.emitWithAck('hotline:send', {
        threadId: '01FORGEDTHREADID0000000000',
        clientId: cid(),
        text: '你好',
      });
      expect(forged).toMatchObject({ ok: false, error: { code: 'not_found' } });
      expect(await counts()).toEqual(before);
    });

    it("refuses a create whose client id already named one of the resident's group messages, storing nothing", async () => {
      const groups = await resident.emitWithAck('group:list', {});
      if (!groups.ok) throw new Error(groups.error.message);
      const clientId = cid();
      const sent = await resident.emitWithAck('message:send', {
        groupId: groups.groups[0]!.id,
        clientId,
        text: '大家好',
      });
      expect(sent.ok).toBe(true);
      const before = await counts();
      const res = await resident.emitWithAck('hotline:create', {
        clientId,
        category: 'help',
        text: '同一个客户端编号',
      });
      expect(res).toMatchObject({ ok: false, error: { code: 'conflict' } });
      expect(await counts()).toEqual(before);
    });

    it("resident B can neither read, reply to, rate nor sync resident A's thread", async () => {
      const b = await open(residentB.login);
      const before = await counts();
      for (const [event, payload] of [
        ['hotline:thread', { threadId: thread.id }],
        ['hotline:history', { threadId: thread.id }],
        ['hotline:send', { threadId: thread.id, clientId: cid(), text: '我也来说两句' }],
        ['hotline:rate', { threadId: thread.id, score: 1 }],
        ['hotline:read', { threadId: thread.id, seq: 3 }],
        ['hotline:reopen', { threadId: thread.id, clientId: cid(), reason: '不满意' }],
        ['hotline:notes', { threadId: thread.id }],
      ] as const) {
        const res = await b.emitWithAck(event as 'hotline:thread', payload as never);
        expect(res, event).toMatchObject({ ok: false, error: { code: 'not_found' } });
      }
      const sync = await b.emitWithAck('hotline:sync', { cursors: { [thread.id]: 0 } });
      expect(sync).toMatchObject({ ok: true, messages: [] });
      expect((await api(residentB.login, 'GET', `/hotline/threads/${thread.id}`)).status).toBe(404);
      expect((await api(residentB.login, 'POST', `/hotline/threads/${thread.id}/rating`, { score: 5 })).status).toBe(
        404,
      );
      const mine = await b.emitWithAck('hotline:mine', {});
      expect(mine.ok && mine.threads.map((x) => x.id)).not.toContain(thread.id);
      expect(await counts()).toEqual(before);
    });

    it("internal notes reach staff only: never a byte of them in the resident's socket traffic or REST bodies", async () => {
      const staffGot = nextEvent<{ text: string }>(head, 'hotline:note-added');
      const res = await head.emitWithAck('hotline:note', { threadId: thread.id, clientId: cid(), text: NOTE });
      expect(res.ok).toBe(true);
      expect((await staffGot).text).toBe(NOTE);
      // Drive every resident-facing path after the note exists.
      await head.emitWithAck('hotline:send', {
        threadId: thread.id,
        clientId: cid(),
        text: '请问您方便明天上午回访吗？',
      });
      await resident.emitWithAck('hotline:send', { threadId: thread.id, clientId: cid(), text: '方便，谢谢。' });
      await head.emitWithAck('hotline:read', { threadId: thread.id, seq: 100 });
      await head.emitWithAck('hotline:assign', { threadId: thread.id, assigneeId: officerId });
      await head.emitWithAck('hotline:follow-up', {
        action: 'schedule',
        threadId: thread.id,
        at: Date.now() + 3600_000,
        note: '内部备注：回访时带上物业',
      });
      await head.emitWithAck('hotline:hand-off', {
        threadId: thread.id,
        clientId: cid(),
        department: '区交通运输局',
        reason: '共享单车停放管理属交通部门职责。',
      });
      await head.emitWithAck('hotline:resolve', {
        threadId: thread.id,
        clientId: cid(),
        summary: '运营企业已清理北门车辆并设置停放区。',
      });
      await resident.emitWithAck('hotline:rate', { threadId: thread.id, score: 5 });
      await resident.emitWithAck('system:ping', {});
      const bodies = [
        (await api(residentA.login, 'GET', '/hotline/threads')).text,
        (await api(residentA.login, 'GET', `/hotline/threads/${thread.id}`)).text,
        (await api(residentA.login, 'GET', `/hotline/threads/${thread.id}/messages`)).text,
        (await api(residentA.login, 'GET', `/hotline/threads/${thread.id}/notes`)).text,
        JSON.stringify(await resident.emitWithAck('hotline:history', { threadId: thread.id })),
        JSON.stringify(await resident.emitWithAck('hotline:sync', { cursors: { [thread.id]: 0 } })),
        JSON.stringify(await resident.emitWithAck('hotline:mine', {})),
        JSON.stringify(await resident.emitWithAck('message:search', { query: '备注' })),
        JSON.stringify(await resident.emitWithAck('hotline:notes', { threadId: thread.id })),
      ];
      const seen = [...f.traffic, ...bodies].join('\n');
      // Every change of theirs reached the resident (so the check below looked at real traffic); the follow-up plan did not.
      const changes = f.traffic
        .filter((x) => x.startsWith('["hotline:thread-changed"'))
        .map((x) => (JSON.parse(x) as [string, { change: string }])[1].change);
      expect(new Set(changes)).toEqual(
        new Set(['created', 'message', 'read', 'assigned', 'handed_off', 'resolved', 'rated']),
      );
      expect(seen).not.toContain('内部备注');
      expect(seen).not.toContain(residentA.phone);
      expect(seen).not.toMatch(/"staff":\{/);
      expect(seen).not.toContain('noteCount');
    });

    it('keeps hotline threads out of group lists and group search, and refuses group commands on them', async () => {
      const groups = await resident.emitWithAck('group:list', {});
      expect(groups.ok && groups.groups.map((g) => g.id)).not.toContain(thread.id);
      const search = await resident.emitWithAck('message:search', { query: '单车' });
      expect(search).toMatchObject({ ok: true, hits: [] });
      const viaGroups = await resident.emitWithAck('message:send', {
        groupId: thread.id,
        clientId: cid(),
        text: '绕过热线',
      });
      expect(viaGroups).toMatchObject({ ok: false, error: { code: 'not_found' } });
      for (const [who, event, payload] of [
        [resident, 'group:members', { groupId: thread.id }],
        [resident, 'group:history', { groupId: thread.id }],
        [resident, 'group:typing', { groupId: thread.id }],
        [head, 'group:notice', { groupId: thread.id, text: '公告' }],
        [head, 'group:member', { action: 'remove', groupId: thread.id, userId: residentA.id }],
        [head, 'group:members', { groupId: thread.id }],
      ] as const) {
        const res = await (who as TestSocket).emitWithAck(event as 'group:members', payload as never);
        expect(res, event).toMatchObject({ ok: false, error: { code: 'not_found' } });
      }
      const headGroups = await head.emitWithAck('group:list', {});
      expect(headGroups.ok && headGroups.groups.map((g) => g.id)).not.toContain(thread.id);
    });

    it('staff of another station see nothing of the thread, by socket or REST', async () => {
      const db = t.hub.store.db;
      const other = await db
        .selectFrom('units')
        .select('id')
        .where('kind', '=', 'station')
        .where('code', '!=', stationCode)
        .orderBy('sort')
        .executeTakeFirstOrThrow();
      const otherHead = (
        await db
          .selectFrom('users')
          .select('login')
          .where('unit_id', '=', other.id)
          .where('role', '=', 'station_head')
          .executeTakeFirstOrThrow()
      ).login;
      const s = await open(otherHead);
      const before = await counts();
      for (const [event, payload] of [
        ['hotline:thread', { threadId: thread.id }],
        ['hotline:history', { threadId: thread.id }],
        ['hotline:notes', { threadId: thread.id }],
        ['hotline:send', { threadId: thread.id, clientId: cid(), text: '越权回复' }],
        ['hotline:note', { threadId: thread.id, clientId: cid(), text: '越权备注' }],
        ['hotline:hand-off', { threadId: thread.id, clientId: cid(), department: '某部门', reason: '越权' }],
        ['hotline:resolve', { threadId: thread.id, clientId: cid(), summary: '越权办结' }],
        ['hotline:assign', { threadId: thread.id, assigneeId: officerId }],
      ] as const) {
        const res = await s.emitWithAck(event as 'hotline:thread', payload as never);
        expect(res, event).toMatchObject({ ok: false, error: { code: 'not_found' } });
      }
      const inbox = await s.emitWithAck('hotline:inbox', {});
      expect(inbox.ok && inbox.threads.map((x) => x.id)).not.toContain(thread.id);
      expect((await api(otherHead, 'GET', `/hotline/threads/${thread.id}/notes`)).status).toBe(404);
      expect(
        (
          await api(
            otherHead,
            'GET',
            `/hotline/figures?stationIds=${(await db.selectFrom('units').select('id').where('code', '=', stationCode).executeTakeFirstOrThrow()).id}&from=${Date.now() - 86_400_000}&to=${Date.now()}`,
          )
        ).status,
      ).toBe(403);
      expect(await counts()).toEqual(before);
    });

    it('answers wrong types on every command with validation_failed and changes nothing', async () => {
      const before = await counts();
      for (const [who, event, payload] of [
        [resident, 'hotline:send', { threadId: thread.id, clientId: cid(), text: 42 }],
        [resident, 'hotline:send', { threadId: thread.id, clientId: 'short', text: '你好' }],
        [resident, 'hotline:send', { threadId: thread.id, clientId: cid(), text: '长'.repeat(2001) }],
        [resident, 'hotline:rate', { threadId: thread.id, score: '5' }],
        [resident, 'hotline:rate', { threadId: thread.id, score: 3.5 }],
        [resident, 'hotline:sync', { cursors: { [thread.id]: -1 } }],
        [resident, 'hotline:read', { threadId: [thread.id], seq: 1 }],
        [head, 'hotline:inbox', { filter: 'everything' }],
        [head, 'hotline:inbox', { category: 'gossip' }],
        [head, 'hotline:assign', { threadId: thread.id, assigneeId: 7 }],
        [head, 'hotline:hand-off', { threadId: thread.id, clientId: cid(), department: '', reason: '空部门' }],
        [head, 'hotline:note', { threadId: thread.id, clientId: cid(), text: '' }],
        [head, 'hotline:follow-up', { action: 'later', threadId: thread.id }],
        [head, 'hotline:canned-save', { title: '', text: '空标题' }],
        [head, 'hotline:delegate', { userId: officerId, enabled: 'yes' }],
      ] as const) {
        const res = await (who as TestSocket).emitWithAck(event as 'hotline:thread', payload as never);
        expect(res, `${event} ${JSON.stringify(payload).slice(0, 60)}`).toMatchObject({
          ok: false,
          error: { code: 'validation_failed' },
        });
      }
      const rest = await api(residentA.login, 'POST', `/hotline/threads/${thread.id}/messages`, {
        clientId: cid(),
        text: { x: 1 },
      });
      expect(rest.status).toBe(400);
      expect(await counts()).toEqual(before);
    });
  });
}

describe('hotline send rate', () => {
  let t: TestHub;
  afterAll(async () => t?.close());

  it("limits a resident's writes (creates and messages share the burst); a refused write stores nothing", async () => {
    t = await startTestHub({ env: { MESSAGE_RATE_RESIDENT_PER_MINUTE: '1' } });
    const db = t.hub.store.db;
    const station = await db
      .selectFrom('units')
      .select('path')
      .where('kind', '=', 'station')
      .orderBy('sort')
      .executeTakeFirstOrThrow();
    const r = await db
      .selectFrom('users')
      .innerJoin('units', 'units.id', 'users.unit_id')
      .select('users.login')
      .where('users.role', '=', 'resident')
      .where('units.path', 'like', `${station.path}%`)
      .orderBy('users.id')
      .executeTakeFirstOrThrow();
    const s = await connectSocket(t.url, { cookie: (await login(t.url, r.login)).cookie });
    try {
      const created = await s.emitWithAck('hotline:create', {
        clientId: cid(),
        category: 'consultation',
        text: '请问身份证丢了怎么补办？',
      });
      if (!created.ok) throw new Error(created.error.message);
      const results = [];
      for (let i = 0; i < 6; i++)
        results.push(
          await s.emitWithAck('hotline:send', { threadId: created.thread.id, clientId: cid(), text: `补充说明${i}` }),
        );
      expect(results.slice(0, 5).every((x) => x.ok)).toBe(true);
      expect(results[5]).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
      const stored = await db.selectFrom('messages').select('seq').where('group_id', '=', created.thread.id).execute();
      expect(stored).toHaveLength(6);
    } finally {
      s.close();
    }
  });
});
