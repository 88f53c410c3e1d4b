import type { Socket } from 'socket.io-client';
import { expect } from 'vitest';
import type { Hub } from '../src/hub.ts';
import type { ClientToServerEvents, ServerToClientEvents } from '../src/protocol/index.ts';
import { firstGrid } from './first-grid.ts';

type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
let sent = 0;

/** Where each side connects: the grid's officer on one node, its residents on the same or another. */
export interface MembershipNodes {
  /** The node whose store is read and prepared (any node: they share it). */
  hub: Hub;
  officerUrl: string;
  residentUrl: string;
  /** Signs in and opens a socket (the caller's `connectSocket` after `login`). */
  open(url: string, login: string): Promise<TestSocket>;
  /** Resolves once the residents' node has applied a removal's leave (on another node it follows the event). */
  removalApplied?(socket: TestSocket, groupId: string): Promise<void>;
}

/**
 * `group:sync` answers from the group rooms a socket is in, so the rooms must follow membership
 * changed while it is connected: of the first grid's residents, one is a member when their socket
 * connects and is removed, the other waits for approval and is approved; each gets the group's
 * messages in the catch-up only while a member. Closes its sockets when done.
 */
export async function checkCatchUpFollowsMembership(n: MembershipNodes): Promise<void> {
  const sockets: TestSocket[] = [];
  try {
    await approveAndRemove(n, sockets);
  } finally {
    for (const s of sockets) s.close();
  }
}

async function approveAndRemove(n: MembershipNodes, sockets: TestSocket[]): Promise<void> {
  const db = n.hub.store.db;
  const grid = await firstGrid(n.hub);
  const idOf = async (loginName: string) =>
    (await db.selectFrom('users').select('id').where('login', '=', loginName).executeTakeFirstOrThrow()).id;
  const [stayingLogin, waitingLogin] = grid.residentLogins as [string, string];
  const [staying, waiting] = [await idOf(stayingLogin), await idOf(waitingLogin)];
  await db
    .updateTable('group_members')
    .set({ status: 'pending' })
    .where('group_id', '=', grid.groupId)
    .where('user_id', '=', waiting)
    .execute();
  const open = async (url: string, who: string) => {
    const s = await n.open(url, who);
    sockets.push(s);
    return s;
  };
  const officer = await open(n.officerUrl, grid.officerLogin);
  const member = await open(n.residentUrl, stayingLogin);
  const newcomer = await open(n.residentUrl, waitingLogin);
  const post = async (text: string) => {
    const clientId = `rooms-${Date.now()}-${++sent}`;
    const res = await officer.emitWithAck('message:send', { groupId: grid.groupId, clientId, text });
    if (!res.ok) throw new Error(res.error.message);
    return res.message.id;
  };
  const synced = async (s: TestSocket) => {
    const res = await s.emitWithAck('group:sync', { cursors: { [grid.groupId]: 0 } });
    if (!res.ok) throw new Error(res.error.message);
    return res.messages.map((m) => m.id);
  };
  const decide = async (s: TestSocket, userId: string, action: 'approve' | 'remove') => {
    const told = new Promise<void>((resolve) => s.on('group:changed', (e) => e.groupId === grid.groupId && resolve()));
    const res = await officer.emitWithAck('group:member', { groupId: grid.groupId, userId, action });
    expect(res.ok).toBe(true);
    await told;
  };

  const first = await post('审核前');
  expect(await synced(member)).toContain(first);
  expect(await synced(newcomer)).toEqual([]);
  // An approval joins the room before it tells the person (on another node: one Redis stream, in order).
  await decide(newcomer, waiting, 'approve');
  const welcome = await post('欢迎新邻居');
  expect(await synced(newcomer)).toEqual(expect.arrayContaining([first, welcome]));

  await decide(member, staying, 'remove');
  await n.removalApplied?.(member, grid.groupId);
  await post('移出之后');
  expect(await synced(member)).toEqual([]);
}
