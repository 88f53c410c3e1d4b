import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectSocket,
  firstGrid,
  login,
  serviceAvailable,
  startNodePair,
  type NodePair,
  type TestSocket,
} from '@fengqiao/hub/test-support';

const ready = (await serviceAvailable('postgres')) && (await serviceAvailable('redis'));

let n = 0;
const cid = () => `rooms-${Date.now()}-${++n}`;

/**
 * `group:sync` answers from the group rooms a socket is in, so a membership changed on another
 * node must move those rooms there: a resident on node B, approved into the grid group and then
 * removed by an officer on node A, gets the group's messages in the catch-up only in between.
 */
describe.skipIf(!ready)('catch-up rooms across hub nodes', () => {
  let pair: NodePair | undefined;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    pair = await startNodePair('catchup');
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await pair?.close();
  });

  it('follows an approval and a removal made on the other node', async () => {
    const { a, b } = pair!;
    const grid = await firstGrid(a.hub);
    const db = a.hub.store.db;
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
    const open = async (url: string, who: string) => {
      const s = await connectSocket(url, { cookie: (await login(url, who)).cookie });
      sockets.push(s);
      return s;
    };
    const officer = await open(a.url, grid.officerLogin);
    const member = await open(b.url, stayingLogin);
    const newcomer = await open(b.url, waitingLogin);
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
      const told = new Promise<void>((resolve) =>
        s.on('group:changed', (e) => e.groupId === grid.groupId && resolve()),
      );
      const res = await officer.emitWithAck('group:member', { groupId: grid.groupId, userId, action });
      expect(res.ok).toBe(true);
      await told;
    };

    const first = await post('审核前');
    expect(await synced(member)).toContain(first);
    expect(await synced(newcomer)).toEqual([]);
    // The approval joins B's socket to the group's room before it is told (one Redis stream, in order).
    await decide(newcomer, waiting, 'approve');
    const welcome = await post('欢迎');
    expect(await synced(newcomer)).toEqual(expect.arrayContaining([first, welcome]));

    // The removal tells first and leaves the room after: wait until node B has applied the leave.
    await decide(member, staying, 'remove');
    const here = b.hub.realtime.io.of('/').sockets.get(member.id!)!;
    while (here.rooms.has(`group:${grid.groupId}`)) await new Promise((resolve) => setImmediate(resolve));
    await post('移出之后');
    expect(await synced(member)).toEqual([]);
  });
});
