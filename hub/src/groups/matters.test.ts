import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MATTER_LATE_DAYS,
  MATTER_OLDEST_LIMIT,
  type MatterOpenSummary,
  type MatterView,
  type MessageView,
} from '../protocol/index.ts';
import {
  connectSocket,
  login,
  nextEvent,
  startTestHub,
  type TestHub,
  type TestSocket,
} from '../../test-support/index.ts';

let n = 0;
const cid = () => `matter-${Date.now()}-${++n}`;

/** Matters (登记问题): raised from a message, answered back in the group. */
describe('matters', () => {
  let t: TestHub;
  let groupId: string;
  let resident: TestSocket;
  let officer: TestSocket;
  let stranger: TestSocket;
  let gridWorkerId: string;
  let logins: { officer: string; resident: string };
  const sockets: TestSocket[] = [];
  const open = async (l: string) => {
    const s = await connectSocket(t.url, { cookie: (await login(t.url, l)).cookie });
    sockets.push(s);
    return s;
  };

  beforeAll(async () => {
    t = await startTestHub();
    const db = t.hub.store.db;
    const grid = await db
      .selectFrom('units')
      .select(['id', 'parent_id'])
      .where('kind', '=', 'grid')
      .orderBy('sort')
      .executeTakeFirstOrThrow();
    groupId = (await db.selectFrom('groups').select('id').where('unit_id', '=', grid.id).executeTakeFirstOrThrow()).id;
    const people = await db
      .selectFrom('users')
      .select(['id', 'login', 'role', 'unit_id'])
      .where('unit_id', 'in', [grid.id, grid.parent_id!])
      .execute();
    logins = {
      officer: people.find((p) => p.role === 'officer')!.login,
      resident: people.find((p) => p.role === 'resident')!.login,
    };
    resident = await open(logins.resident);
    officer = await open(logins.officer);
    gridWorkerId = people.find((p) => p.role === 'grid_worker')!.id;
    const other = await db
      .selectFrom('users')
      .innerJoin('units', 'units.id', 'users.unit_id')
      .select('users.login')
      .where('users.role', '=', 'resident')
      .where('units.kind', '=', 'grid')
      .where('units.id', '!=', grid.id)
      .executeTakeFirstOrThrow();
    stranger = await open(other.login);
    await Promise.all([resident, officer, stranger].map((s) => s.emitWithAck('group:sync', { cursors: {} })));
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t?.close();
  });

  it("turns a resident's message into a matter, and resolving it answers in the group quoting the original", async () => {
    const raised = await resident.emitWithAck('message:send', {
      groupId,
      clientId: cid(),
      text: '小区东门路灯坏了一周了，晚上很黑',
    });
    if (!raised.ok) throw new Error(raised.error.message);
    const seen = nextEvent<MatterView>(resident, 'matter:changed');
    const created = await officer.emitWithAck('matter:create', {
      groupId,
      seq: raised.message.seq,
      clientId: cid(),
      category: 'safety',
      title: '东门路灯损坏',
      assigneeId: gridWorkerId,
    });
    if (!created.ok) throw new Error(created.error.message);
    expect(created.matter).toMatchObject({ status: 'open', seq: raised.message.seq, assignee: { id: gridWorkerId } });
    expect((await seen).id).toBe(created.matter.id);

    expect(await officer.emitWithAck('matter:update', { action: 'start', matterId: created.matter.id })).toMatchObject({
      ok: true,
      matter: { status: 'in_progress' },
    });
    const answer = nextEvent<MessageView>(resident, 'message:created');
    const resolved = await officer.emitWithAck('matter:update', {
      action: 'resolve',
      matterId: created.matter.id,
      clientId: cid(),
      answer: '已联系物业，路灯今晚修好',
    });
    if (!resolved.ok) throw new Error(resolved.error.message);
    const posted = await answer;
    expect(posted).toMatchObject({ text: '已联系物业，路灯今晚修好', replyToSeq: raised.message.seq });
    expect(resolved.matter).toMatchObject({ status: 'resolved', answerSeq: posted.seq });
    expect(await officer.emitWithAck('matter:update', { action: 'start', matterId: created.matter.id })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });

    const list = await resident.emitWithAck('matter:list', { groupId });
    expect(list.ok && list.matters.map((m) => m.id)).toContain(created.matter.id);
  });

  it('hands a matter that is not police business to a named department (一报警三分发)', async () => {
    const raised = await resident.emitWithAck('message:send', {
      groupId,
      clientId: cid(),
      text: '楼道里的燃气管道有异味',
    });
    if (!raised.ok) throw new Error(raised.error.message);
    const created = await officer.emitWithAck('matter:create', {
      groupId,
      seq: raised.message.seq,
      clientId: cid(),
      category: 'safety',
      title: '燃气异味',
    });
    if (!created.ok) throw new Error(created.error.message);
    expect(
      await officer.emitWithAck('matter:update', {
        action: 'hand_off',
        matterId: created.matter.id,
        department: '燃气公司',
      }),
    ).toMatchObject({ ok: true, matter: { status: 'handed_off', department: '燃气公司' } });
  });

  it("keeps residents to reading: they register nothing, and never see another grid's matters", async () => {
    const raised = await resident.emitWithAck('message:send', { groupId, clientId: cid(), text: '邻居装修太吵' });
    if (!raised.ok) throw new Error(raised.error.message);
    expect(
      await resident.emitWithAck('matter:create', {
        groupId,
        seq: raised.message.seq,
        clientId: cid(),
        category: 'dispute',
        title: '装修噪音',
      }),
    ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const created = await officer.emitWithAck('matter:create', {
      groupId,
      seq: raised.message.seq,
      clientId: cid(),
      category: 'dispute',
      title: '装修噪音',
    });
    if (!created.ok) throw new Error(created.error.message);
    expect(await stranger.emitWithAck('matter:list', { groupId })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await stranger.emitWithAck('matter:update', { action: 'start', matterId: created.matter.id })).toMatchObject(
      { ok: false, error: { code: 'not_found' } },
    );
    let leaked = false;
    stranger.on('matter:changed', () => (leaked = true));
    await officer.emitWithAck('matter:update', { action: 'start', matterId: created.matter.id });
    await new Promise((r) => setTimeout(r, 200));
    expect(leaked).toBe(false);
  });

  it('refuses bad input: unknown message, a resident as assignee, wrong category', async () => {
    const count = async () =>
      Number(
        (
          await t.hub.store.db
            .selectFrom('matters')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    expect(
      await officer.emitWithAck('matter:create', {
        groupId,
        seq: 999_999,
        clientId: cid(),
        category: 'dispute',
        title: 'x',
      }),
    ).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const residentId = (
      await t.hub.store.db
        .selectFrom('group_members')
        .innerJoin('users', 'users.id', 'group_members.user_id')
        .select('users.id')
        .where('group_id', '=', groupId)
        .where('users.role', '=', 'resident')
        .executeTakeFirstOrThrow()
    ).id;
    expect(
      await officer.emitWithAck('matter:create', {
        groupId,
        seq: 1,
        clientId: cid(),
        category: 'dispute',
        title: 'x',
        assigneeId: residentId,
      }),
    ).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(
      await officer.emitWithAck('matter:create', {
        groupId,
        seq: 1,
        clientId: cid(),
        category: 'aliens',
        title: 'x',
      } as never),
    ).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(await count()).toBe(before);
  });

  it("sums up what is open in the caller's groups for the overview, staff only", async () => {
    const summary = async (l: string) =>
      fetch(`${t.url}/api/matters/open`, { headers: { cookie: (await login(t.url, l)).cookie } });
    const raised = await resident.emitWithAck('message:send', {
      groupId,
      clientId: cid(),
      text: '楼道堆物挡住消防通道',
    });
    if (!raised.ok) throw new Error(raised.error.message);
    const made = await officer.emitWithAck('matter:create', {
      groupId,
      seq: raised.message.seq,
      clientId: cid(),
      category: 'safety',
      title: '楼道堆物',
    });
    if (!made.ok) throw new Error(made.error.message);
    const before = (await (await summary(logins.officer)).json()) as MatterOpenSummary;
    expect(before.oldest.length).toBeLessThanOrEqual(MATTER_OLDEST_LIMIT);
    // Registered long ago (arranged in the store): it is late now, and the oldest listed.
    await t.hub.store.db
      .updateTable('matters')
      .set({ created_at: Date.now() - (MATTER_LATE_DAYS + 1) * 86_400_000 - 60_000 })
      .where('id', '=', made.matter.id)
      .execute();
    const after = (await (await summary(logins.officer)).json()) as MatterOpenSummary;
    expect(after).toMatchObject({
      ok: true,
      open: before.open,
      late: before.late + 1,
      lateAfterDays: MATTER_LATE_DAYS,
    });
    expect(after.oldest[0]).toMatchObject({ id: made.matter.id, groupId, title: '楼道堆物', category: 'safety' });
    expect(after.oldest[0]!.groupName).not.toBe('');
    const refused = await summary(logins.resident);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});
