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
import type { GroupReadCounts } from '@fengqiao/hub/protocol';

const ready = (await serviceAvailable('postgres')) && (await serviceAvailable('redis'));

/**
 * "N人未读" follows readers on another hub node: a resident reading on node B moves the count on
 * the officer's screen on node A (through the Redis adapter, to the group's staff room only),
 * and a resident on node A hears nothing of it.
 */
describe.skipIf(!ready)('read counts across hub nodes', () => {
  let a: TestHub;
  let b: TestHub;
  let pair: NodePair | undefined;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    pair = await startNodePair('reads');
    ({ a, b } = pair);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await pair?.close();
  });

  it("moves the sender's unread count when a member on the other node reads, telling staff only", async () => {
    const { groupId, officerLogin, residentLogins } = await firstGrid(a.hub);
    const [readerLogin, watcherLogin] = residentLogins as [string, string];
    const open = async (node: TestHub, who: string) => {
      const s = await connectSocket(node.url, { cookie: (await login(node.url, who)).cookie });
      sockets.push(s);
      await s.emitWithAck('group:sync', { cursors: {} });
      return s;
    };
    const officer = await open(a, officerLogin);
    const watcher = await open(a, watcherLogin);
    const reader = await open(b, readerLogin);
    const residentHeard: GroupReadCounts[] = [];
    watcher.on('group:reads-changed', (c) => residentHeard.push(c));

    const sent = await officer.emitWithAck('message:send', {
      groupId,
      clientId: `mn-${Date.now()}`,
      text: '请核对住户信息',
    });
    if (!sent.ok) throw new Error(sent.error.message);
    const seq = sent.message.seq;
    const before = await officer.emitWithAck('group:read-counts', { groupId, fromSeq: seq, toSeq: seq });
    if (!before.ok) throw new Error(before.error.message);
    const start = before.counts[0]!.unread;

    const dropped = new Promise<GroupReadCounts>((resolve) =>
      officer.on('group:reads-changed', (c) => {
        if (c.groupId === groupId && c.counts.some((x) => x.seq === seq && x.unread === start - 1)) resolve(c);
      }),
    );
    expect(await reader.emitWithAck('group:read', { groupId, seq })).toMatchObject({ ok: true, readSeq: seq });
    expect((await dropped).counts.find((x) => x.seq === seq)?.unread).toBe(start - 1);
    // Anything broadcast to the resident before this round trip's answer would have arrived first.
    await watcher.emitWithAck('system:ping', {});
    expect(residentHeard).toEqual([]);
  });
});
