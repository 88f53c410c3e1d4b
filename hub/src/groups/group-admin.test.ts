import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GroupView, MessageView } from '../protocol/index.ts';
import {
  connectSocket,
  login,
  nextEvent,
  startTestHub,
  type TestHub,
  type TestSocket,
} from '../../test-support/index.ts';

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
  const sockets: TestSocket[] = [];
  const open = async (l: string) => {
    const s = await connectSocket(t.url, { cookie: (await login(t.url, l)).cookie });
    sockets.push(s);
    await s.emitWithAck('group:sync', { cursors: {} });
    return s;
  };
  const groupOf = async (s: TestSocket): Promise<GroupView> => {
    const res = await s.emitWithAck('group:list', {});
    if (!res.ok) throw new Error(res.error.message);
    return res.groups.find((g) => g.id === groupId)!;
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
    outsiderId = (
      await db
        .selectFrom('users')
        .innerJoin('units', 'units.id', 'users.unit_id')
        .select('users.id')
        .where('users.role', '=', 'resident')
        .where('units.id', '!=', grid.id)
        .executeTakeFirstOrThrow()
    ).id;
    [residentId, neighbourId, officerId] = [residents[0]!.id, residents[1]!.id, o.id];
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

  it('removes a resident, who is told at once: no more live messages, no more access', async () => {
    const told = nextEvent<{ groupId: string }>(neighbour, 'group:changed');
    expect(await officer.emitWithAck('group:member', { action: 'remove', groupId, userId: neighbourId })).toMatchObject(
      { ok: true },
    );
    expect(await told).toEqual({ groupId });
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
});
