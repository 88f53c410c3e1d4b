import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectSocket,
  firstGrid,
  createTempPostgres,
  login,
  REDIS_URL,
  serviceAvailable,
  startTestHub,
  type TestHub,
  type TestSocket,
} from '@fengqiao/hub/test-support';
import type { MessageView } from '@fengqiao/hub/protocol';

const ready = (await serviceAvailable('postgres')) && (await serviceAvailable('redis'));

/** A hub node dies mid-conversation: its clients move to the other node and lose nothing. */
describe.skipIf(!ready)('group chat when a hub node dies', () => {
  let a: TestHub;
  let b: TestHub;
  let drop: () => Promise<void>;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    const pg = await createTempPostgres();
    drop = pg.drop;
    // The officer posts 75 messages in a burst: lift the send rate so only node death is tested.
    const env = {
      REDIS_CHANNEL_PREFIX: `fq-groups-${randomBytes(4).toString('hex')}`,
      MESSAGE_RATE_STAFF_PER_MINUTE: '1000000',
    };
    a = await startTestHub({ databaseUrl: pg.url, redisUrl: REDIS_URL, env: { ...env, NODE_ID: 'hub-a' } });
    b = await startTestHub({ databaseUrl: pg.url, redisUrl: REDIS_URL, env: { ...env, NODE_ID: 'hub-b' } });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await Promise.all([a?.close(), b?.close()]);
    await drop?.();
  });

  it('a reader on the dying node reconnects to the other and ends with every message exactly once, in order', async () => {
    const db = a.hub.store.db;
    const { groupId, officerLogin, residentLogins } = await firstGrid(a.hub);
    const residentLogin = residentLogins[0]!;

    const session = await login(a.url, residentLogin);
    const writer = await connectSocket(a.url, { cookie: (await login(a.url, officerLogin)).cookie });
    sockets.push(writer);
    const onB = await connectSocket(b.url, { cookie: session.cookie });
    const held = new Map<number, MessageView>();
    const keep = (m: MessageView) => m.groupId === groupId && held.set(m.seq, m);
    onB.on('message:created', keep);
    const first = await onB.emitWithAck('group:sync', { cursors: { [groupId]: 0 } });
    if (!first.ok) throw new Error(first.error.message);
    first.messages.forEach(keep);

    const sendSome = async (from: number, count: number) => {
      for (let i = from; i < from + count; i++) {
        const res = await writer.emitWithAck('message:send', {
          groupId,
          clientId: `death-${i}-${Date.now()}`,
          text: `第${i}条`,
        });
        if (!res.ok) throw new Error(`send ${i} failed: ${res.error.code}`);
      }
    };
    await sendSome(0, 30);
    await expect.poll(() => held.size, { timeout: 5000 }).toBe(30);

    // Node B dies while the conversation goes on.
    const dying = b.close();
    const during = sendSome(30, 40);
    await dying;
    await during;

    const cursor = Math.max(0, ...held.keys());
    const onA = await connectSocket(a.url, { cookie: session.cookie });
    sockets.push(onA);
    onA.on('message:created', keep);
    const caught = await onA.emitWithAck('group:sync', { cursors: { [groupId]: cursor } });
    if (!caught.ok) throw new Error(caught.error.message);
    caught.messages.forEach(keep);
    await sendSome(70, 5);
    await expect.poll(() => held.size, { timeout: 5000 }).toBe(75);

    const store = await db
      .selectFrom('messages')
      .select(['seq', 'text'])
      .where('group_id', '=', groupId)
      .orderBy('seq')
      .execute();
    expect([...held.keys()].sort((x, y) => x - y)).toEqual(store.map((m) => m.seq));
    expect(store.map((m) => m.text)).toEqual(Array.from({ length: 75 }, (_, i) => `第${i}条`));
  });
});
