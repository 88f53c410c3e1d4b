import { expect } from 'vitest';
import type { MessageView } from '../src/protocol/index.ts';
import type { ApiClient } from './admin-client.ts';
import type { TestHub, TestSocket } from './index.ts';
import { nextEvent } from './next-event.ts';

let sent = 0;

/** Where a new grid is made, who must hear it and who must not, and how the grid comes to be. */
export interface NewGridCase {
  /** The node whose store is read (any node: they share it). */
  t: TestHub;
  /** Signs in and opens a socket that reconnects by itself, as the web's does (on any node). */
  open(login: string): Promise<TestSocket>;
  /** The community the grid is made under: its officer and auxiliary join the grid's group. */
  communityCode: string;
  /** Another community of the same station: its officer shares the station's group, not the grid's. */
  outsiderCommunityCode: string;
  /** Makes the grid (over HTTP, as an administrator does); resolves with its unit id. */
  create(communityId: string): Promise<string>;
}

/** A `create` that makes the grid as the web's unit page does: POST /api/admin/units. */
export const gridOverHttp = (admin: ApiClient, name: string) => async (parentId: string) => {
  const made = await admin('POST', '/api/admin/units', { parentId, kind: 'grid', name });
  expect(made.status).toBe(201);
  return made.body.unit.id as string;
};

/**
 * A grid made while its community's people are connected: their open sockets (which reconnect by
 * themselves, as the web's do) hear its group live and list and sync it; an officer of another
 * community hears none of it. Closes its sockets when done.
 */
export async function checkNewGridHeardLive(c: NewGridCase): Promise<void> {
  const db = c.t.hub.store.db;
  const unit = (code: string) =>
    db.selectFrom('units').select(['id', 'parent_id']).where('code', '=', code).executeTakeFirstOrThrow();
  const staffOf = (unitId: string, role: 'officer' | 'auxiliary') =>
    db
      .selectFrom('users')
      .select('login')
      .where('unit_id', '=', unitId)
      .where('role', '=', role)
      .executeTakeFirstOrThrow();
  const community = await unit(c.communityCode);
  const outside = await unit(c.outsiderCommunityCode);
  const stationGroup = await db
    .selectFrom('groups')
    .select('id')
    .where('unit_id', '=', community.parent_id!)
    .where('kind', '=', 'station_staff')
    .executeTakeFirstOrThrow();
  const sockets: TestSocket[] = [];
  const open = async (loginName: string) => {
    const s = await c.open(loginName);
    sockets.push(s);
    return s;
  };
  try {
    const officer = await open((await staffOf(community.id, 'officer')).login);
    const auxiliary = await open((await staffOf(community.id, 'auxiliary')).login);
    const outsider = await open((await staffOf(outside.id, 'officer')).login);
    const heardByOutsider: MessageView[] = [];
    outsider.on('message:created', (m) => heardByOutsider.push(m));

    const told = nextEvent<{ groupId: string }>(officer, 'group:changed');
    const gridId = await c.create(community.id);
    const { id: groupId } = await db
      .selectFrom('groups')
      .select('id')
      .where('unit_id', '=', gridId)
      .executeTakeFirstOrThrow();
    expect((await told).groupId).toBe(groupId);

    const post = async (to: string, text: string) => {
      const res = await auxiliary.emitWithAck('message:send', { groupId: to, clientId: `new-grid-${++sent}`, text });
      if (!res.ok) throw new Error(res.error.message);
      return res.message;
    };
    const live = nextEvent<MessageView>(officer, 'message:created');
    const first = await post(groupId, '新网格群开通');
    expect(await live).toMatchObject({ id: first.id, groupId });

    const listed = await officer.emitWithAck('group:list', {});
    expect(listed.ok && listed.groups.map((g) => g.id)).toContain(groupId);
    const synced = await officer.emitWithAck('group:sync', { cursors: { [groupId]: 0 } });
    expect(synced.ok && synced.messages.map((m) => m.id)).toContain(first.id);

    // Both messages are emitted by the node of the sockets, in order: once the outsider hears the
    // later one (to the station's group), anything of the grid's group meant for them has come.
    const marker = new Promise<void>((resolve) =>
      outsider.on('message:created', (m) => m.groupId === stationGroup.id && resolve()),
    );
    await post(stationGroup.id, '全所通知');
    await marker;
    expect(heardByOutsider.filter((m) => m.groupId === groupId)).toEqual([]);
    const theirs = await outsider.emitWithAck('group:list', {});
    expect(theirs.ok && theirs.groups.map((g) => g.id)).not.toContain(groupId);
  } finally {
    for (const s of sockets) s.close();
  }
}
