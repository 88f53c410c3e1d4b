import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cid, eventWhere, startHotlineFixture, type HotlineFixture } from '../../test-support/hotline-fixture.ts';
import { connectSocket, firstGrid, login, type FirstGrid, type TestSocket } from '../../test-support/index.ts';

/**
 * The catch-up commands answer from the rooms a socket's connect joined (group:sync, the hotline
 * inbox): those rooms must follow what changes while the socket stays open. A resident approved
 * into a group while connected, and a member removed from it while connected, get the right
 * `group:sync` answer on the same socket; an officer given the station's desk, then relieved of it, sees its letters in the inbox
 * and then no longer. On one node (tests/catch-up-rooms-multi-node.test.ts: across two).
 */
describe('catch-up follows room changes while connected', () => {
  let f: HotlineFixture;
  let grid: FirstGrid;
  const sockets: TestSocket[] = [];
  const open = async (loginName: string) => {
    const s = await connectSocket(f.t.url, { cookie: (await login(f.t.url, loginName)).cookie });
    sockets.push(s);
    return s;
  };

  beforeAll(async () => {
    f = await startHotlineFixture();
    grid = await firstGrid(f.t.hub);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await f?.close();
  });

  it("answers group:sync with a group's messages only while the person is its member", async () => {
    const db = f.t.hub.store.db;
    const idOf = async (loginName: string) =>
      (await db.selectFrom('users').select('id').where('login', '=', loginName).executeTakeFirstOrThrow()).id;
    const [stayingLogin, waitingLogin] = grid.residentLogins as [string, string];
    const [staying, waiting] = [await idOf(stayingLogin), await idOf(waitingLogin)];
    // One resident is a member when their socket connects, the other waits for approval.
    await db
      .updateTable('group_members')
      .set({ status: 'pending' })
      .where('group_id', '=', grid.groupId)
      .where('user_id', '=', waiting)
      .execute();
    const officer = await open(grid.officerLogin);
    const member = await open(stayingLogin);
    const newcomer = await open(waitingLogin);
    const post = async (text: string) => {
      const res = await officer.emitWithAck('message:send', { groupId: grid.groupId, clientId: cid(), text });
      if (!res.ok) throw new Error(res.error.message);
      return res.message.id;
    };
    const synced = async (s: TestSocket) => {
      const res = await s.emitWithAck('group:sync', { cursors: { [grid.groupId]: 0 } });
      if (!res.ok) throw new Error(res.error.message);
      return res.messages.map((m) => m.id);
    };
    const decide = async (s: TestSocket, userId: string, action: 'approve' | 'remove') => {
      const told = eventWhere<{ groupId: string }>(s, 'group:changed', (e) => e.groupId === grid.groupId);
      const res = await officer.emitWithAck('group:member', { groupId: grid.groupId, userId, action });
      expect(res.ok).toBe(true);
      await told;
    };

    const first = await post('审核前');
    expect(await synced(member)).toContain(first);
    expect(await synced(newcomer)).toEqual([]);
    await decide(newcomer, waiting, 'approve');
    const welcome = await post('欢迎新邻居');
    expect(await synced(newcomer)).toEqual(expect.arrayContaining([first, welcome]));

    await decide(member, staying, 'remove');
    await post('移出后的消息');
    expect(await synced(member)).toEqual([]);
  });

  it("lists the desk's letters in the inbox only while the officer holds the desk", async () => {
    const head = await open(f.headLogin);
    const officerLogin = (
      await f.t.hub.store.db.selectFrom('users').select('login').where('id', '=', f.officerId).executeTakeFirstOrThrow()
    ).login;
    const officer = await open(officerLogin);
    const resident = await open(f.residentA.login);
    const letter = await resident.emitWithAck('hotline:create', {
      clientId: cid(),
      category: 'consultation',
      text: '请问办理居住证需要多久？',
    });
    if (!letter.ok) throw new Error(letter.error.message);
    const inbox = async () => {
      const res = await officer.emitWithAck('hotline:inbox', { filter: 'all', limit: 200 });
      if (!res.ok) throw new Error(res.error.message);
      return { threads: res.threads.map((t) => t.id), desks: res.deskStationIds };
    };
    expect(await inbox()).toEqual({ threads: [], desks: [] });

    // A desk's room carries its new letters; the officer's socket joins it when the head delegates.
    const delegate = async (enabled: boolean) => {
      const res = await head.emitWithAck('hotline:delegate', { userId: f.officerId, enabled });
      if (!res.ok) throw new Error(res.error.message);
    };
    await delegate(true);
    const next = eventWhere<{ thread: { id: string } }>(officer, 'hotline:thread-changed', () => true);
    const second = await resident.emitWithAck('hotline:send', {
      threadId: letter.thread.id,
      clientId: cid(),
      text: '补充：我是租户。',
    });
    expect(second.ok).toBe(true);
    await next;
    const held = await inbox();
    expect(held.desks).toEqual([f.station.id]);
    expect(held.threads).toContain(letter.thread.id);

    await delegate(false);
    expect(await inbox()).toEqual({ threads: [], desks: [] });
  });
});
