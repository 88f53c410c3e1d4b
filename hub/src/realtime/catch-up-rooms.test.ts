import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cid, eventWhere, startHotlineFixture, type HotlineFixture } from '../../test-support/hotline-fixture.ts';
import { checkCatchUpFollowsMembership, connectSocket, login, type TestSocket } from '../../test-support/index.ts';

/**
 * The catch-up commands answer from the rooms a socket's connect joined (group:sync, the hotline
 * inbox): those rooms must follow what changes while the socket stays open. A resident approved
 * into a group while connected, and a member removed from it while connected, get the right
 * `group:sync` answer on the same socket; an officer given the station's desk, then relieved of
 * it, sees its letters in the inbox and then no longer. On one node
 * (tests/catch-up-rooms-multi-node.test.ts: the group part across two).
 */
describe('catch-up follows room changes while connected', () => {
  let f: HotlineFixture;
  const sockets: TestSocket[] = [];
  const open = async (loginName: string) => {
    const s = await connectSocket(f.t.url, { cookie: (await login(f.t.url, loginName)).cookie });
    sockets.push(s);
    return s;
  };

  beforeAll(async () => {
    f = await startHotlineFixture();
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await f?.close();
  });

  it("answers group:sync with a group's messages only while the person is its member", async () => {
    const url = f.t.url;
    await checkCatchUpFollowsMembership({
      hub: f.t.hub,
      officerUrl: url,
      residentUrl: url,
      open: (_u, who) => open(who),
    });
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
