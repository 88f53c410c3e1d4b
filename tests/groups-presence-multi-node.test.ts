import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectSocket,
  firstGrid,
  login,
  serviceAvailable,
  startNodePair,
  type NodePair,
  type TestHub,
  type TestSocket,
} from '@fengqiao/hub/test-support';
import type { GroupPresenceChange } from '@fengqiao/hub/protocol';

const ready = (await serviceAvailable('postgres')) && (await serviceAvailable('redis'));

/**
 * An open chat's online count follows presence across two hub nodes: a socket watching the group
 * (its chat open) hears of a member's
 * first socket arriving on either node, not of one tab of several closing, and of their last
 * socket closing wherever it was.
 */
describe.skipIf(!ready)('group presence across hub nodes', () => {
  let a: TestHub;
  let b: TestHub;
  let pair: NodePair | undefined;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    pair = await startNodePair('presence');
    ({ a, b } = pair);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await pair?.close();
  });

  it('tells the sockets watching the group who came online and who left, on whichever node', async () => {
    const { groupId, officerLogin, residentLogins } = await firstGrid(a.hub);
    const [residentLogin, neighbourLogin] = residentLogins as [string, string];
    const idOf = async (l: string) =>
      (await a.hub.store.db.selectFrom('users').select('id').where('login', '=', l).executeTakeFirstOrThrow()).id;
    const [residentId, neighbourId] = [await idOf(residentLogin), await idOf(neighbourLogin)];
    const open = async (node: TestHub, cookie: string) => {
      const s = await connectSocket(node.url, { cookie });
      sockets.push(s);
      return s;
    };

    const officerSession = (await login(a.url, officerLogin)).cookie;
    const watcher = await open(a, officerSession);
    // The officer's second tab on the same node, chat closed: told nothing.
    const notWatching = await open(a, officerSession);
    const heardUnwatched: GroupPresenceChange[] = [];
    notWatching.on('group:presence-changed', (c) => heardUnwatched.push(c));
    const heard: GroupPresenceChange[] = [];
    const waiters: { pred: (c: GroupPresenceChange) => boolean; resolve: () => void }[] = [];
    watcher.on('group:presence-changed', (c) => {
      if (c.groupId !== groupId) return;
      heard.push(c);
      for (const w of waiters.filter((x) => x.pred(c))) w.resolve();
    });
    const hear = (pred: (c: GroupPresenceChange) => boolean) =>
      heard.some(pred) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ pred, resolve }));
    const offlineHeard = (id: string) => heard.filter((c) => c.offline.includes(id)).length;
    await watcher.emitWithAck('group:sync', { cursors: {} });
    const watched = await watcher.emitWithAck('group:watch', { groupId });
    expect(watched.ok && watched.online).not.toContain(residentId);

    // The resident arrives on node B: the watcher on node A hears it.
    const session = (await login(b.url, residentLogin)).cookie;
    const onB = await open(b, session);
    await hear((c) => c.online.includes(residentId));
    const here = await watcher.emitWithAck('group:presence', { groupId });
    expect(here.ok && here.online).toContain(residentId);

    // A second tab on node A; the one on node B closes: the resident is still here.
    const onA = await open(a, session);
    onB.close();
    const onNodeB = () =>
      [...b.hub.realtime.io.sockets.sockets.values()].filter((s) => s.data.principal.user.id === residentId).length;
    await expect.poll(onNodeB).toBe(0);
    // Node B saw the departure: the neighbour's arrival through it is announced with or after it.
    await open(b, (await login(b.url, neighbourLogin)).cookie);
    await hear((c) => c.online.includes(neighbourId));
    expect(offlineHeard(residentId)).toBe(0);

    // The last tab closes: now the group hears the resident left.
    onA.close();
    await hear((c) => c.offline.includes(residentId));
    const after = await watcher.emitWithAck('group:presence', { groupId });
    expect(after.ok && after.online).not.toContain(residentId);
    expect(after.ok && after.online).toContain(neighbourId);
    expect(heard.every((c) => c.resync !== true)).toBe(true);
    // Same node as the watcher, so a round trip after what it heard: anything sent is in.
    await notWatching.emitWithAck('group:presence', { groupId });
    expect(heardUnwatched).toEqual([]);
  });
});
