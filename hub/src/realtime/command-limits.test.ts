import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import {
  connectSocket,
  login,
  nextEvent,
  startTestHub,
  type TestHub,
  type TestSocket,
} from '../../test-support/index.ts';
import { createCommandLimits } from './command-limits.ts';
import type { HubSocket } from './types.ts';

type Answer = { ok: boolean; error?: { code: string; message: string; retryAfter?: number } };

/** The admission rules alone, on plain socket-shaped objects: which bound refuses; answers give places back. */
describe('command limits', () => {
  const limits = {
    ...loadConfig({}).socketLimits,
    inFlightPerSocket: 3,
    inFlightPerPerson: 4,
    readsInFlightPerSocket: 1,
    readsInFlightPerPerson: 2,
  };
  const socket = (id: string, userId: string) =>
    ({ id, data: { principal: { user: { id: userId } } } }) as unknown as HubSocket;

  it('bounds commands in flight per socket, then per person, and expensive reads sooner', () => {
    const l = createCommandLimits(limits);
    const [a, b] = [socket('a', 'u1'), socket('b', 'u1')];
    expect(l.admit(a, 'group:history')).toBeUndefined();
    expect(l.admit(a, 'group:history')?.message).toMatch(/reads in flight on this connection/);
    expect(l.admit(b, 'group:history')).toBeUndefined();
    expect(l.admit(socket('c', 'u1'), 'order:sync')?.message).toMatch(/reads in flight on this person/);
    expect(l.admit(a, 'message:send')).toBeUndefined();
    expect(l.admit(a, 'message:send')).toBeUndefined();
    expect(l.admit(a, 'message:send')?.message).toMatch(/commands in flight on this connection/);
    expect(l.admit(b, 'message:send')?.message).toMatch(/commands in flight on this person/);
    expect(l.admit(socket('d', 'u2'), 'group:history')).toBeUndefined();
    l.release(a, 'group:history');
    expect(l.admit(a, 'group:history')).toBeUndefined();
    const refused = l.admit(a, 'system:ping');
    expect(refused).toMatchObject({ code: 'rate_limited', retryAfter: 1 });
  });

  it('rate-limits ephemeral signals per socket with a token bucket', () => {
    let t = 0;
    const l = createCommandLimits({ ...limits, signalBurst: 2, signalsPerSecond: 1 }, () => t);
    const s = socket('s', 'u1');
    for (let i = 0; i < 2; i += 1) {
      expect(l.admit(s, 'group:typing')).toBeUndefined();
      l.release(s, 'group:typing');
    }
    expect(l.admit(s, 'group:typing')).toMatchObject({ code: 'rate_limited', retryAfter: 1 });
    t += 1000;
    expect(l.admit(s, 'group:typing')).toBeUndefined();
  });
});

/** The same bounds against a real hub, with real sockets flooding it. */
describe('command limits on a running hub', () => {
  let t: TestHub;
  const open: TestSocket[] = [];
  let groupId: string;
  let cookies: [string, string];

  beforeAll(async () => {
    t = await startTestHub({
      env: { SIGNAL_BURST: '5', SIGNAL_RATE_PER_SECOND: '0.001', SOCKET_READS_IN_FLIGHT: '2' },
    });
    // Two staff members of one group: a sender and the neighbour who sees its signals.
    const db = t.hub.store.db;
    const group = await db
      .selectFrom('group_members as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select('m.group_id')
      .where('m.status', '=', 'active')
      .where('u.role', 'in', ['officer', 'auxiliary', 'grid_worker'])
      .groupBy('m.group_id')
      .having(sql<number>`count(*)`, '>=', 2)
      .executeTakeFirstOrThrow();
    groupId = group.group_id;
    const members = await db
      .selectFrom('group_members as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select('u.login')
      .where('m.group_id', '=', groupId)
      .where('m.status', '=', 'active')
      .where('u.role', 'in', ['officer', 'auxiliary', 'grid_worker'])
      .orderBy('u.id')
      .limit(2)
      .execute();
    cookies = [(await login(t.url, members[0]!.login)).cookie, (await login(t.url, members[1]!.login)).cookie];
  });
  afterAll(async () => {
    for (const s of open) s.close();
    await t?.close();
  });
  const connect = async (cookie: string) => {
    const s = await connectSocket(t.url, { cookie });
    open.push(s);
    return s;
  };

  it("relays only the typing signals within the socket's rate and refuses the flood with rate_limited", async () => {
    const [sender, neighbour] = [await connect(cookies[0]), await connect(cookies[1])];
    let relayed = 0;
    neighbour.on('group:typing', () => (relayed += 1));
    const typing = Array.from({ length: 500 }, () => sender.emitWithAck('group:typing', { groupId }));
    const answers = (await Promise.all(typing)) as Answer[];
    expect(answers.filter((a) => a.ok)).toHaveLength(5);
    const refused = answers.filter((a) => !a.ok);
    expect(refused.every((a) => a.error?.code === 'rate_limited' && a.error.retryAfter! > 0)).toBe(true);
    // Sentinel: a message sent after the flood arrives after every relayed signal.
    const sentinel = nextEvent(neighbour, 'message:created');
    const sent = await sender.emitWithAck('message:send', { groupId, clientId: `typing-${Date.now()}`, text: '收到' });
    expect(sent).toMatchObject({ ok: true });
    await sentinel;
    expect(relayed).toBe(5);
  });

  it("refuses history reads beyond the socket's in-flight budget at once, and keeps answering others", async () => {
    const [flooder, other] = [await connect(cookies[0]), await connect(cookies[1])];
    const flood = Promise.all(
      Array.from({ length: 2000 }, () => flooder.emitWithAck('group:history', { groupId, limit: 200 })),
    );
    const pings = Promise.all(
      Array.from({ length: 20 }, (_, i) => other.emitWithAck('system:ping', { echo: String(i) })),
    );
    const reads = Promise.all(Array.from({ length: 2 }, () => other.emitWithAck('group:history', { groupId })));
    const answers = (await flood) as Answer[];
    const ok = answers.filter((a) => a.ok).length;
    const refused = answers.filter((a) => !a.ok);
    expect(ok).toBeGreaterThanOrEqual(2);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((a) => a.error?.code === 'rate_limited' && a.error.retryAfter === 1)).toBe(true);
    expect(ok + refused.length).toBe(2000);
    expect((await pings).every((p, i) => p.ok && p.echo === String(i))).toBe(true);
    expect((await reads).every((r) => r.ok)).toBe(true);
    // Every place was given back: the socket reads again.
    expect(await flooder.emitWithAck('group:history', { groupId })).toMatchObject({ ok: true });
  });
});
