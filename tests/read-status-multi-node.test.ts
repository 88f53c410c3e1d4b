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

/** Every `group:reads-changed` a socket hears of one group, and a wait for one that matches. */
function listen(s: TestSocket, groupId: string) {
  const heard: GroupReadCounts[] = [];
  const waiting = new Set<() => void>();
  s.on('group:reads-changed', (c) => {
    if (c.groupId !== groupId) return;
    heard.push(c);
    for (const wake of waiting) wake();
  });
  return {
    heard,
    until: (match: (c: GroupReadCounts) => boolean) =>
      new Promise<GroupReadCounts>((resolve) => {
        const check = () => {
          const hit = heard.find(match);
          if (!hit) return;
          waiting.delete(check);
          resolve(hit);
        };
        waiting.add(check);
        check();
      }),
  };
}

/**
 * "N人未读" follows sends and reads made on another hub node: node A tells node B which groups
 * moved (one `group:reads-moved` a flush), and node B counts for the staff socket of its own that
 * has the chat open (`group:watch`). A staff socket not watching and a resident watching, both on
 * node A, hear nothing. PostgreSQL + the Redis adapter.
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

  it('tells a watcher on node B of sends and reads made on node A, and nobody else', async () => {
    const { groupId, officerLogin, residentLogins } = await firstGrid(a.hub);
    const [readerLogin, residentLogin] = residentLogins as [string, string];
    const open = async (node: TestHub, who: string) => {
      const s = await connectSocket(node.url, { cookie: (await login(node.url, who)).cookie });
      sockets.push(s);
      await s.emitWithAck('group:sync', { cursors: {} });
      return s;
    };
    const sender = await open(a, officerLogin);
    const resident = await open(a, residentLogin);
    const reader = await open(a, readerLogin);
    const watcher = await open(b, officerLogin);
    expect(await watcher.emitWithAck('group:watch', { groupId })).toMatchObject({ ok: true });
    expect(await resident.emitWithAck('group:watch', { groupId })).toMatchObject({ ok: true });
    const onB = listen(watcher, groupId);
    const notWatching = listen(sender, groupId);
    const residentHeard = listen(resident, groupId);

    const sent = await sender.emitWithAck('message:send', {
      groupId,
      clientId: `mn-${Date.now()}`,
      text: '请核对住户信息',
    });
    if (!sent.ok) throw new Error(sent.error.message);
    const seq = sent.message.seq;
    // The send on node A: its new staff message appears on node B with everyone but the sender unread.
    const counted = await onB.until((c) => c.counts.some((x) => x.seq === seq));
    const start = counted.counts.find((x) => x.seq === seq)!.unread;
    expect(start).toBeGreaterThan(0);

    expect(await reader.emitWithAck('group:read', { groupId, seq })).toMatchObject({ ok: true, readSeq: seq });
    await onB.until((c) => c.counts.some((x) => x.seq === seq && x.unread === start - 1));
    // Anything node A emitted to its own sockets is in before their round trips' answers.
    await Promise.all([sender, resident].map((s) => s.emitWithAck('system:ping', {})));
    expect(notWatching.heard).toEqual([]);
    expect(residentHeard.heard).toEqual([]);
  });
});
