import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GroupPresenceChange, GroupView, MessageView } from '../protocol/index.ts';
import {
  connectSocket,
  login,
  nextEvent,
  startTestHub,
  type TestHub,
  type TestSocket,
} from '../../test-support/index.ts';
import { addMembers, setMemberStatus } from '../conversations/conversation-members.ts';

let n = 0;
const cid = () => `extra-${Date.now()}-${++n}`;

/** @mentions, the group notice, muting and removing, typing and presence. */
describe('keeping a grid group in order', () => {
  let t: TestHub;
  let groupId: string;
  let officer: TestSocket;
  let resident: TestSocket;
  let neighbour: TestSocket;
  let residentId: string;
  let neighbourId: string;
  let officerId: string;
  let outsiderId: string;
  let residentLogin: string;
  let otherGroupId: string;
  const sockets: TestSocket[] = [];
  const open = async (l: string) => {
    const s = await connectSocket(t.url, { cookie: (await login(t.url, l)).cookie });
    sockets.push(s);
    await s.emitWithAck('group:sync', { cursors: {} });
    return s;
  };
  const groupsOf = async (s: TestSocket): Promise<GroupView[]> => {
    const res = await s.emitWithAck('group:list', {});
    if (!res.ok) throw new Error(res.error.message);
    return res.groups;
  };
  const groupOf = async (s: TestSocket): Promise<GroupView> => (await groupsOf(s)).find((g) => g.id === groupId)!;
  const statusOf = async (gid: string, userId: string) =>
    (
      await t.hub.store.db
        .selectFrom('group_members')
        .select('status')
        .where('group_id', '=', gid)
        .where('user_id', '=', userId)
        .executeTakeFirst()
    )?.status;
  /** How many audit entries the person wrote whose action is like the pattern. */
  const auditCount = async (actorId: string, action: string) =>
    (
      await t.hub.store.db
        .selectFrom('audit_log')
        .select('id')
        .where('actor_id', '=', actorId)
        .where('action', 'like', action)
        .execute()
    ).length;

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
    const residents = await db
      .selectFrom('users')
      .select(['id', 'login'])
      .where('unit_id', '=', grid.id)
      .where('role', '=', 'resident')
      .orderBy('id')
      .limit(2)
      .execute();
    const o = await db
      .selectFrom('users')
      .select(['id', 'login'])
      .where('unit_id', '=', grid.parent_id!)
      .where('role', '=', 'officer')
      .executeTakeFirstOrThrow();
    // A resident of another grid, and that grid's group.
    const outside = await db
      .selectFrom('users')
      .innerJoin('units', 'units.id', 'users.unit_id')
      .innerJoin('groups', 'groups.unit_id', 'units.id')
      .select(['users.id as userId', 'groups.id as groupId'])
      .where('users.role', '=', 'resident')
      .where('units.kind', '=', 'grid')
      .where('units.id', '!=', grid.id)
      .executeTakeFirstOrThrow();
    [outsiderId, otherGroupId] = [outside.userId, outside.groupId];
    [residentId, neighbourId, officerId] = [residents[0]!.id, residents[1]!.id, o.id];
    residentLogin = residents[0]!.login;
    officer = await open(o.login);
    resident = await open(residents[0]!.login);
    neighbour = await open(residents[1]!.login);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t?.close();
  });

  it('carries @mentions of members; @所有人 only from staff; never someone outside the group', async () => {
    const got = nextEvent<MessageView>(neighbour, 'message:created');
    const ok = await resident.emitWithAck('message:send', {
      groupId,
      clientId: cid(),
      text: '@网格员 楼下有人摆摊',
      mentions: [officerId],
    });
    expect(ok).toMatchObject({ ok: true, message: { mentions: [officerId], mentionAll: false } });
    expect((await got).mentions).toEqual([officerId]);
    expect(
      await resident.emitWithAck('message:send', { groupId, clientId: cid(), text: '@所有人', mentionAll: true }),
    ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(
      await resident.emitWithAck('message:send', { groupId, clientId: cid(), text: '@外人', mentions: [outsiderId] }),
    ).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(
      await officer.emitWithAck('message:send', {
        groupId,
        clientId: cid(),
        text: '@所有人 今晚停水',
        mentionAll: true,
      }),
    ).toMatchObject({ ok: true, message: { mentionAll: true } });
  });

  it('pins a notice and counts who has read it; residents may not pin', async () => {
    expect(await resident.emitWithAck('group:notice', { groupId, text: '我来发公告' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    const changed = nextEvent<{ groupId: string }>(resident, 'group:changed');
    expect(
      await officer.emitWithAck('group:notice', { groupId, text: '本周六上午社区反诈宣传，请大家参加' }),
    ).toMatchObject({ ok: true });
    expect((await changed).groupId).toBe(groupId);
    expect((await groupOf(resident)).notice).toMatchObject({
      text: '本周六上午社区反诈宣传，请大家参加',
      read: false,
      readCount: null,
    });
    expect((await groupOf(officer)).notice).toMatchObject({ read: true, readCount: 1 });
    await resident.emitWithAck('group:notice-read', { groupId });
    await neighbour.emitWithAck('group:notice-read', { groupId });
    expect((await groupOf(officer)).notice?.readCount).toBe(3);
    expect((await groupOf(resident)).notice?.read).toBe(true);
  });

  it("tells staff who has and has not read the notice (未读 / 已读), never residents or other groups' staff", async () => {
    const noticeReaders = async () => {
      const res = await officer.emitWithAck('group:notice-readers', { groupId });
      if (!res.ok) throw new Error(res.error.message);
      return res.readers;
    };
    const ids = (people: { id: string }[]) => people.map((p) => p.id);
    const at = (await officer.emitWithAck('group:notice', { groupId, text: '下周一起垃圾分类新规' })) as { at: number };
    const before = await noticeReaders();
    expect(before.at).toBe(at.at);
    // A new version: nobody but its author has read it, and the author is not asked to.
    expect(ids(before.unread)).toEqual(expect.arrayContaining([residentId, neighbourId]));
    expect(ids(before.unread)).not.toContain(officerId);
    expect(ids(before.read)).not.toContain(officerId);
    expect(before.readTotal).toBe(0);
    expect(before.unreadTotal).toBe(before.unread.length);

    await resident.emitWithAck('group:notice-read', { groupId });
    const after = await noticeReaders();
    expect(ids(after.read)).toEqual([residentId]);
    expect(after.readTotal).toBe(1);
    expect(after.unreadTotal).toBe(before.unreadTotal - 1);
    expect(ids(after.unread)).not.toContain(residentId);

    expect(await resident.emitWithAck('group:notice-readers', { groupId })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await officer.emitWithAck('group:notice-readers', { groupId: 'no-such-group' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await officer.emitWithAck('group:notice-readers', { groupId: 42 } as never)).toMatchObject({
      ok: false,
      error: { code: 'validation_failed' },
    });
  });

  it('mutes a resident, who then cannot post until unmuted; staff cannot be muted', async () => {
    expect(
      await officer.emitWithAck('group:member', { action: 'mute', groupId, userId: neighbourId, minutes: 30 }),
    ).toMatchObject({ ok: true, member: { id: neighbourId } });
    expect(
      await neighbour.emitWithAck('message:send', { groupId, clientId: cid(), text: '为什么禁言我' }),
    ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await groupOf(neighbour)).mutedUntil).toBeGreaterThan(Date.now());
    expect(await officer.emitWithAck('group:member', { action: 'unmute', groupId, userId: neighbourId })).toMatchObject(
      { ok: true, member: { mutedUntil: null } },
    );
    expect(await neighbour.emitWithAck('message:send', { groupId, clientId: cid(), text: '谢谢' })).toMatchObject({
      ok: true,
    });
    expect(
      await officer.emitWithAck('group:member', { action: 'mute', groupId, userId: officerId, minutes: 5 }),
    ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(
      await resident.emitWithAck('group:member', { action: 'mute', groupId, userId: neighbourId, minutes: 5 }),
    ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('shows typing to the others, and who is online', async () => {
    const typing = nextEvent<{ user: { id: string } }>(officer, 'group:typing');
    let echoed = false;
    resident.once('group:typing', () => (echoed = true));
    expect(await resident.emitWithAck('group:typing', { groupId })).toMatchObject({ ok: true });
    expect((await typing).user.id).toBe(residentId);
    const presence = await officer.emitWithAck('group:presence', { groupId });
    expect(presence.ok && [...presence.online].sort()).toEqual([officerId, residentId, neighbourId].sort());
    expect(echoed).toBe(false);
  });

  it('tells only the sockets watching a chat who arrives; never of a group not theirs', async () => {
    const serverSocket = (s: TestSocket) => t.hub.realtime.io.sockets.sockets.get(s.id!)!;
    // The rooms a watch joins: presence for everyone, read counts for staff only.
    const watchedBy = (s: TestSocket) =>
      [...serverSocket(s).rooms].filter((r) => r.startsWith('group-presence:') || r.startsWith('group-reads:')).sort();
    const heardByResident: GroupPresenceChange[] = [];
    resident.on('group:presence-changed', (c) => heardByResident.push(c));

    // Bad payloads and someone else's group: refused, nothing joined.
    for (const bad of [{}, { groupId: 42 }, { groupId: 'x'.repeat(10_000) }])
      expect(await resident.emitWithAck('group:watch', bad as never)).toMatchObject({
        ok: false,
        error: { code: 'validation_failed' },
      });
    expect(await resident.emitWithAck('group:watch', { groupId: otherGroupId })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(watchedBy(resident)).toEqual([]);

    // The officer opens the chat: told who is here now, then of a second tab of the resident arriving.
    const watched = await officer.emitWithAck('group:watch', { groupId });
    expect(watched.ok && [...watched.online].sort()).toEqual([officerId, residentId, neighbourId].sort());
    expect(watchedBy(officer)).toEqual([`group-presence:${groupId}`, `group-reads:${groupId}`]);
    const arrival = nextEvent<GroupPresenceChange>(officer, 'group:presence-changed');
    await open(residentLogin);
    expect(await arrival).toMatchObject({ groupId, online: expect.arrayContaining([residentId]), offline: [] });
    // The resident, a member not watching, heard nothing (a round trip: anything sent before it is in).
    await resident.emitWithAck('group:presence', { groupId });
    expect(heardByResident).toEqual([]);

    // A resident watches presence only. Watching a group not theirs keeps the current one; `null` leaves it.
    expect(await resident.emitWithAck('group:watch', { groupId })).toMatchObject({ ok: true });
    expect(await resident.emitWithAck('group:watch', { groupId: otherGroupId })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(watchedBy(resident)).toEqual([`group-presence:${groupId}`]);
    expect(await officer.emitWithAck('group:watch', { groupId: null })).toEqual({ ok: true, online: [] });
    expect(watchedBy(officer)).toEqual([]);
    // The neighbour watches, to be dropped with the group when removed below.
    expect(await neighbour.emitWithAck('group:watch', { groupId })).toMatchObject({ ok: true });
    expect(watchedBy(neighbour)).toEqual([`group-presence:${groupId}`]);
  });

  it('removes a resident, who is told at once: no more live messages, no more access', async () => {
    const told = nextEvent<{ groupId: string }>(neighbour, 'group:changed');
    expect(await officer.emitWithAck('group:member', { action: 'remove', groupId, userId: neighbourId })).toMatchObject(
      { ok: true },
    );
    expect(await told).toEqual({ groupId });
    const neighbourRooms = () => [...t.hub.realtime.io.sockets.sockets.get(neighbour.id!)!.rooms];
    await expect.poll(neighbourRooms).not.toContain(`group-presence:${groupId}`);
    expect(neighbourRooms().filter((r) => r.endsWith(groupId))).toEqual([]);
    let leaked = false;
    neighbour.on('message:created', (m: MessageView) => (leaked ||= m.groupId === groupId));
    await officer.emitWithAck('message:send', { groupId, clientId: cid(), text: '移除之后的消息' });
    await new Promise((r) => setTimeout(r, 200));
    expect(leaked).toBe(false);
    expect(await neighbour.emitWithAck('group:history', { groupId })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await neighbour.emitWithAck('group:typing', { groupId })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    const members = await officer.emitWithAck('group:members', { groupId });
    expect(members.ok && members.members.map((m) => m.id)).not.toContain(neighbourId);
  });

  it('opens one one-to-one conversation per pair of staff, live at once, never for residents', async () => {
    const db = t.hub.store.db;
    const colleague = await db
      .selectFrom('users')
      .select(['id', 'login'])
      .where('role', '=', 'dispatcher')
      .executeTakeFirstOrThrow();
    const them = await open(colleague.login);
    const first = await officer.emitWithAck('group:direct', { userId: colleague.id });
    if (!first.ok) throw new Error(first.error.message);
    expect(first.group).toMatchObject({ kind: 'direct', memberCount: 2 });
    const again = await them.emitWithAck('group:direct', { userId: officerId });
    expect(again.ok && again.group.id).toBe(first.group.id);
    const arrived = nextEvent<MessageView>(them, 'message:created');
    await officer.emitWithAck('message:send', {
      groupId: first.group.id,
      clientId: cid(),
      text: '下午的巡逻路线改一下',
    });
    expect((await arrived).text).toBe('下午的巡逻路线改一下');
    const theirs = await them.emitWithAck('group:list', {});
    expect(theirs.ok && theirs.groups.find((g) => g.id === first.group.id)?.name).not.toBe('direct');
    expect(await resident.emitWithAck('group:direct', { userId: officerId })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await officer.emitWithAck('group:direct', { userId: residentId })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await resident.emitWithAck('group:history', { groupId: first.group.id })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it("lets a grid worker run their own grid's group (notice, removal, audited), never another's", async () => {
    const db = t.hub.store.db;
    const group = await db.selectFrom('groups').select('unit_id').where('id', '=', groupId).executeTakeFirstOrThrow();
    const workerOf = (gridIs: 'own' | 'other') =>
      db
        .selectFrom('users')
        .innerJoin('units', 'units.id', 'users.unit_id')
        .select(['users.id', 'users.login', 'users.unit_id'])
        .where('users.role', '=', 'grid_worker')
        .where('units.kind', '=', 'grid')
        .where('users.unit_id', gridIs === 'own' ? '=' : '!=', group.unit_id!)
        .executeTakeFirstOrThrow();
    const worker = await open((await workerOf('own')).login);
    const stranger = await workerOf('other');
    const strangerSocket = await open(stranger.login);

    expect(await worker.emitWithAck('group:notice', { groupId, text: '明早八点小区消杀，请关好门窗' })).toMatchObject({
      ok: true,
    });
    expect((await groupOf(resident)).notice).toMatchObject({ text: '明早八点小区消杀，请关好门窗' });
    const sent = await resident.emitWithAck('message:send', { groupId, clientId: cid(), text: '出售发票 加微信' });
    if (!sent.ok) throw new Error(sent.error.message);
    const seen = nextEvent<MessageView>(resident, 'message:changed');
    expect(await worker.emitWithAck('message:recall', { groupId, seq: sent.message.seq })).toMatchObject({
      ok: true,
      message: { status: 'removed', text: '' },
    });
    expect(await seen).toMatchObject({ seq: sent.message.seq, status: 'removed' });
    // The removal and its audit entry land together: with the audit log refusing writes, nothing is removed.
    const kept = await resident.emitWithAck('message:send', { groupId, clientId: cid(), text: '有偿代办居住证' });
    if (!kept.ok) throw new Error(kept.error.message);
    await sql`create trigger audit_down before insert on audit_log begin select raise(abort, 'audit down'); end`.execute(
      db,
    );
    try {
      expect(await worker.emitWithAck('message:recall', { groupId, seq: kept.message.seq })).toMatchObject({
        ok: false,
      });
    } finally {
      await sql`drop trigger audit_down`.execute(db);
    }
    const untouched = await officer.emitWithAck('group:history', { groupId });
    expect(untouched.ok && untouched.messages.find((m) => m.seq === kept.message.seq)?.status).toBe('ok');
    const audit = await db
      .selectFrom('audit_log')
      .select(['actor_id', 'action', 'target_id'])
      .where('action', 'in', ['group.message_remove', 'group.notice_pin'])
      .where('actor_id', '=', (await workerOf('own')).id)
      .orderBy('at')
      .execute();
    expect(audit).toEqual([
      { actor_id: expect.any(String), action: 'group.notice_pin', target_id: groupId },
      { actor_id: expect.any(String), action: 'group.message_remove', target_id: sent.message.id },
    ]);

    // Another grid's worker: not a member, so the group does not exist for them.
    const other = await resident.emitWithAck('message:send', { groupId, clientId: cid(), text: '谁家的狗在叫' });
    if (!other.ok) throw new Error(other.error.message);
    expect(await strangerSocket.emitWithAck('message:recall', { groupId, seq: other.message.seq })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    // Even listed as a member (a stale membership), the hub checks the grid, not the list.
    await addMembers(db, groupId, [stranger.id], { at: Date.now() });
    expect(await strangerSocket.emitWithAck('message:recall', { groupId, seq: other.message.seq })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await strangerSocket.emitWithAck('group:notice', { groupId, text: '外网格公告' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    await setMemberStatus(db, [groupId], stranger.id, 'removed');
    // Their station's staff group is not theirs to run either; residents never moderate.
    const staffGroup = (await groupsOf(worker)).find((g) => g.kind === 'station_staff')!;
    const staffSent = await officer.emitWithAck('message:send', {
      groupId: staffGroup.id,
      clientId: cid(),
      text: '开会',
    });
    if (!staffSent.ok) throw new Error(staffSent.error.message);
    expect(
      await worker.emitWithAck('message:recall', { groupId: staffGroup.id, seq: staffSent.message.seq }),
    ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const workers = await worker.emitWithAck('message:send', { groupId, clientId: cid(), text: '已联系物业' });
    if (!workers.ok) throw new Error(workers.error.message);
    expect(await resident.emitWithAck('message:recall', { groupId, seq: workers.message.seq })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await worker.emitWithAck('group:member', { action: 'remove', groupId, userId: residentId })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    const after = await officer.emitWithAck('group:history', { groupId });
    expect(after.ok && after.messages.find((m) => m.seq === other.message.seq)?.status).toBe('ok');
  });

  it("lets a grid worker let in, turn away and mute residents of their own grid's group, audited; never another's", async () => {
    const db = t.hub.store.db;
    const own = await db
      .selectFrom('groups')
      .innerJoin('users', 'users.unit_id', 'groups.unit_id')
      .select(['groups.unit_id', 'users.id as workerId', 'users.login'])
      .where('groups.id', '=', groupId)
      .where('users.role', '=', 'grid_worker')
      .executeTakeFirstOrThrow();
    const worker = await open(own.login);
    const waiting = await db
      .selectFrom('users')
      .select('id')
      .where('unit_id', '=', own.unit_id)
      .where('role', '=', 'resident')
      .where('id', 'not in', [residentId, neighbourId])
      .orderBy('id')
      .limit(2)
      .execute();
    const [newcomer, doubtful] = waiting.map((w) => w.id);
    for (const id of [newcomer!, doubtful!]) await setMemberStatus(db, [groupId], id, 'pending');

    const listed = await worker.emitWithAck('group:members', { groupId });
    expect(
      listed.ok &&
        listed.members
          .filter((m) => m.status === 'pending')
          .map((m) => m.id)
          .sort(),
    ).toEqual([newcomer, doubtful].sort());
    expect(await worker.emitWithAck('group:member', { action: 'approve', groupId, userId: newcomer! })).toMatchObject({
      ok: true,
      member: { id: newcomer, status: 'active' },
    });
    expect(await worker.emitWithAck('group:member', { action: 'reject', groupId, userId: doubtful! })).toMatchObject({
      ok: true,
      member: { id: doubtful, status: 'removed' },
    });
    expect(
      await worker.emitWithAck('group:member', { action: 'mute', groupId, userId: newcomer!, minutes: 10 }),
    ).toMatchObject({ ok: true, member: { mutedUntil: expect.any(Number) } });
    expect(await statusOf(groupId, newcomer!)).toBe('active');
    expect(await statusOf(groupId, doubtful!)).toBe('removed');
    // Rejected once, not pending any more: a second answer finds nobody waiting.
    expect(await worker.emitWithAck('group:member', { action: 'approve', groupId, userId: doubtful! })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    const audit = await db
      .selectFrom('audit_log')
      .select(['action', 'target_id', 'detail'])
      .where('actor_id', '=', own.workerId)
      .where('action', 'like', 'group.member_%')
      .orderBy('at')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => [a.action, a.target_id, JSON.parse(a.detail!).userId])).toEqual([
      ['group.member_approve', groupId, newcomer],
      ['group.member_reject', groupId, doubtful],
      ['group.member_mute', groupId, newcomer],
    ]);

    // Another grid's group: not theirs (not a member, then a stale membership): refused, nothing changes.
    const other = await db
      .selectFrom('groups')
      .innerJoin('users', 'users.unit_id', 'groups.unit_id')
      .select(['groups.id', 'users.id as residentId'])
      .where('groups.kind', '=', 'grid')
      .where('groups.unit_id', '!=', own.unit_id)
      .where('users.role', '=', 'resident')
      .executeTakeFirstOrThrow();
    await setMemberStatus(db, [other.id], other.residentId, 'pending');
    const approveOther = { action: 'approve', groupId: other.id, userId: other.residentId } as const;
    expect(await worker.emitWithAck('group:member', approveOther)).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    await addMembers(db, other.id, [own.workerId], { at: Date.now() });
    expect(await worker.emitWithAck('group:member', approveOther)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await worker.emitWithAck('group:member', { ...approveOther, action: 'reject' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    await setMemberStatus(db, [other.id], own.workerId, 'removed');
    expect(await statusOf(other.id, other.residentId)).toBe('pending');
    expect(await auditCount(own.workerId, 'group.member_%')).toBe(3);
  });

  it('lets a turned-away resident ask again, at most once a day; nothing changes when refused', async () => {
    const db = t.hub.store.db;
    const third = await db
      .selectFrom('users')
      .innerJoin('group_members as gm', 'gm.user_id', 'users.id')
      .select(['users.id', 'users.login'])
      .where('gm.group_id', '=', groupId)
      .where('users.role', '=', 'resident')
      .where('users.id', 'not in', [residentId, neighbourId])
      .orderBy('users.id')
      .executeTakeFirstOrThrow();
    await setMemberStatus(db, [groupId], third.id, 'pending');
    expect(await officer.emitWithAck('group:member', { action: 'reject', groupId, userId: third.id })).toMatchObject({
      ok: true,
      member: { status: 'removed' },
    });
    const asker = await open(third.login);

    // Within a day of the refusal: refused, still removed, nobody waiting.
    expect(await asker.emitWithAck('group:ask-again', {})).toMatchObject({
      ok: false,
      error: { code: 'rate_limited' },
    });
    expect(await statusOf(groupId, third.id)).toBe('removed');

    // A day later: waiting again, and staff see them in the waiting list.
    await setMemberStatus(db, [groupId], third.id, 'removed', Date.now() - 25 * 60 * 60_000);
    expect(await asker.emitWithAck('group:ask-again', {})).toMatchObject({ ok: true, groupId });
    expect(await statusOf(groupId, third.id)).toBe('pending');
    const members = await officer.emitWithAck('group:members', { groupId });
    expect(members).toMatchObject({ ok: true });
    expect(members.ok && members.members.find((m) => m.id === third.id)).toMatchObject({ status: 'pending' });

    // Asking twice while waiting, or as staff, or with a payload: refused, nothing changes.
    expect(await asker.emitWithAck('group:ask-again', {})).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await officer.emitWithAck('group:ask-again', {})).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await asker.emitWithAck('group:ask-again', { groupId } as never)).toMatchObject({
      ok: false,
      error: { code: 'validation_failed' },
    });
    expect(await statusOf(groupId, third.id)).toBe('pending');
    expect(await auditCount(third.id, 'group.join_request')).toBe(1);
  });
});
