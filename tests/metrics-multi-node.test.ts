import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectSocket,
  createTempPostgres,
  firstStation,
  login,
  metricSample,
  nextEvent,
  REDIS_URL,
  scrapeMetrics,
  serviceAvailable,
  startTestHub,
  type TestHub,
  type TestSocket,
} from '@fengqiao/hub/test-support';

const ready = (await serviceAvailable('postgres')) && (await serviceAvailable('redis'));
const METRICS_TOKEN = 'metrics-token-for-tests';

/**
 * Events out and fan-out latency on two nodes (PostgreSQL + Redis): the node that emits counts an
 * event once; the node that only relays it to its own sockets (Redis adapter or serverSideEmit)
 * does not count it again, so a sum over nodes is the number of events.
 */
describe.skipIf(!ready)('metrics on two nodes', () => {
  let a: TestHub;
  let b: TestHub;
  let drop: () => Promise<void>;
  const sockets: TestSocket[] = [];
  const open = async (hub: TestHub, loginName: string) => {
    const s = await connectSocket(hub.url, { cookie: (await login(hub.url, loginName)).cookie });
    sockets.push(s);
    return s;
  };
  const counts = async (event: string, kind: string) =>
    Promise.all(
      [a, b].map(async (hub) => {
        const text = await scrapeMetrics(hub.url, METRICS_TOKEN);
        return {
          events: metricSample(text, 'hub_events_out_total', { event }),
          timed: metricSample(text, 'hub_fanout_latency_seconds_count', { kind }),
        };
      }),
    );

  beforeAll(async () => {
    const pg = await createTempPostgres();
    drop = pg.drop;
    const env = { REDIS_CHANNEL_PREFIX: `fq-metrics-${randomBytes(4).toString('hex')}`, METRICS_TOKEN };
    a = await startTestHub({ databaseUrl: pg.url, redisUrl: REDIS_URL, env: { ...env, NODE_ID: 'hub-a' } });
    b = await startTestHub({ databaseUrl: pg.url, redisUrl: REDIS_URL, env: { ...env, NODE_ID: 'hub-b' } });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await Promise.all([a?.close(), b?.close()]);
    await drop?.();
  });

  it('an order sent on node A to an officer on node B counts once, on A', async () => {
    const { id, login: officerLogin } = await a.hub.store.db
      .selectFrom('users')
      .select(['id', 'login'])
      .where('role', '=', 'officer')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const onB = await open(b, officerLogin);
    const dispatcher = await open(a, (await firstStation(a.hub)).dispatcherLogin);
    const before = await counts('order:assigned', 'order');
    const assigned = nextEvent(onB, 'order:assigned');
    const res = await dispatcher.emitWithAck('order:create', {
      clientId: `metrics-mn-${Date.now()}`,
      title: '两节点计数',
      body: '指令从A节点下达，B节点接收。',
      priority: 'routine',
      targets: [{ kind: 'user', userId: id }],
    });
    expect(res.ok).toBe(true);
    await assigned;
    const after = await counts('order:assigned', 'order');
    expect(after.map((n, i) => n.events - before[i]!.events)).toEqual([1, 0]);
    expect(after.map((n, i) => n.timed - before[i]!.timed)).toEqual([1, 0]);
  });

  it('a group message sent on node A and received on node B through Redis counts once, on A', async () => {
    const officer = await a.hub.store.db
      .selectFrom('users')
      .select('login')
      .where('role', '=', 'officer')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const onA = await open(a, officer.login);
    const onB = await open(b, officer.login);
    const groups = await onA.emitWithAck('group:list', {});
    if (!groups.ok) throw new Error(groups.error.message);
    const before = await counts('message:created', 'message');
    const arrived = nextEvent(onB, 'message:created');
    const sent = await onA.emitWithAck('message:send', {
      groupId: groups.groups[0]!.id,
      clientId: `metrics-mn-msg-${Date.now()}`,
      text: '两节点消息',
    });
    expect(sent.ok).toBe(true);
    await arrived;
    const after = await counts('message:created', 'message');
    expect(after.map((n, i) => n.events - before[i]!.events)).toEqual([1, 0]);
    expect(after.map((n, i) => n.timed - before[i]!.timed)).toEqual([1, 0]);
  });
});
