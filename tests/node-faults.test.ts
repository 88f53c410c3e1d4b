import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '@fengqiao/hub/protocol';
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
import { spawnHub, type HubProcess } from './support/hub-process.ts';

const ready = (await serviceAvailable('postgres')) && (await serviceAvailable('redis'));

/**
 * Two nodes on one PostgreSQL and Redis: A runs as a process (so it can be killed or signalled),
 * B in this process. A writer talks to A, a reader listens on B.
 */
describe.skipIf(!ready)('a hub node killed or stopped mid-conversation', () => {
  let b: TestHub;
  let drop: () => Promise<void>;
  let env: Record<string, string>;
  const sockets: TestSocket[] = [];
  const procs: HubProcess[] = [];
  let groupId: string;
  let officerLogin: string;
  let residentLogin: string;

  beforeAll(async () => {
    const pg = await createTempPostgres();
    drop = pg.drop;
    env = {
      DATABASE_URL: pg.url,
      REDIS_URL,
      REDIS_CHANNEL_PREFIX: `fq-faults-${randomBytes(4).toString('hex')}`,
      MESSAGE_RATE_STAFF_PER_MINUTE: '1000000',
    };
    b = await startTestHub({ databaseUrl: pg.url, redisUrl: REDIS_URL, env: { ...env, NODE_ID: 'hub-b' } });
    const grid = await firstGrid(b.hub);
    ({ groupId, officerLogin } = grid);
    residentLogin = grid.residentLogins[0]!;
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    for (const p of procs) p.child.kill('SIGKILL');
    await b?.close();
    await drop?.();
  });

  const startA = async (name: string) => {
    const a = await spawnHub({ ...env, NODE_ID: name, SEED_DEMO: 'never' });
    procs.push(a);
    return a;
  };
  const open = async (url: string, who: string) => {
    const s = await connectSocket(url, { cookie: (await login(url, who)).cookie });
    sockets.push(s);
    return s;
  };
  /** A reader on B that keeps every message of the group by seq (and counts repeats of a seq). */
  const readerOnB = async () => {
    const reader = await open(b.url, residentLogin);
    const held = new Map<number, MessageView>();
    reader.on('message:created', (m) => m.groupId === groupId && held.set(m.seq, m));
    const first = await reader.emitWithAck('group:sync', { cursors: { [groupId]: 0 } });
    if (!first.ok) throw new Error(first.error.message);
    for (const m of first.messages) held.set(m.seq, m);
    return { reader, held };
  };
  /** One send; undefined when the connection is gone (a disconnected client would only buffer it). */
  const send = (s: TestSocket, clientId: string, text: string) =>
    s
      .timeout(5000)
      .emitWithAck('message:send', { groupId, clientId, text })
      .catch(() => undefined);
  const storedTexts = async (prefix: string) =>
    await b.hub.store.db
      .selectFrom('messages')
      .select(['seq', 'text', 'client_id'])
      .where('group_id', '=', groupId)
      .where('client_id', 'like', `${prefix}%`)
      .orderBy('seq')
      .execute();

  it("kill -9 of the writer's node: the writer resends to the other node, and every message is there once, in order", async () => {
    const a = await startA('hub-a-kill');
    const { reader, held } = await readerOnB();
    let writer = await open(a.url, officerLogin);
    const prefix = `kill-${Date.now()}-`;
    const total = 40;
    let killed = false;
    for (let i = 0; i < total; i++) {
      if (i === 15) {
        // Killed between an emit and its ack: the message may or may not be committed.
        void send(writer, `${prefix}${i}`, `第${i}条`);
        a.child.kill('SIGKILL');
        await a.exited;
        killed = true;
      }
      for (;;) {
        const res = writer.connected ? await send(writer, `${prefix}${i}`, `第${i}条`) : undefined;
        if (res?.ok) break;
        // The node is gone: reconnect to B, as the web client would, and send the same command again.
        writer.close();
        writer = await open(b.url, officerLogin);
      }
    }
    expect(killed).toBe(true);
    const stored = await storedTexts(prefix);
    expect(stored.map((m) => m.text)).toEqual(Array.from({ length: total }, (_, i) => `第${i}条`));
    // An event published by A in its last moment may be lost with it; the reader sees the gap in
    // seq when later messages arrive and fetches from its last gap-free seq, as the web client does.
    const last = stored.at(-1)!.seq;
    await expect.poll(() => held.has(last), { timeout: 5000 }).toBe(true);
    let cursor = Math.min(...stored.map((m) => m.seq)) - 1;
    while (held.has(cursor + 1)) cursor++;
    const filled = await reader.emitWithAck('group:sync', { cursors: { [groupId]: cursor } });
    if (!filled.ok) throw new Error(filled.error.message);
    for (const m of filled.messages) held.set(m.seq, m);
    expect(stored.filter((m) => held.get(m.seq)?.clientId !== m.client_id).map((m) => m.text)).toEqual([]);
  });

  it('SIGTERM under load: every acknowledged message is stored and announced on the other node; the node exits 0', async () => {
    const a = await startA('hub-a-term');
    const { held } = await readerOnB();
    const prefix = `term-${Date.now()}-`;
    const writers = await Promise.all([0, 1, 2].map(() => open(a.url, officerLogin)));
    const acked: string[] = [];
    let refused = 0;
    const load = writers.map(async (w, k) => {
      for (let i = 0; ; i++) {
        const clientId = `${prefix}${k}-${i}`;
        const res = w.connected ? await send(w, clientId, `压测${k}-${i}`) : undefined;
        if (!res) return;
        if (res.ok) acked.push(clientId);
        else if (res.error.code === 'unavailable') refused++;
        else throw new Error(`send failed: ${res.error.code}`);
      }
    });
    await expect.poll(() => acked.length, { timeout: 10_000 }).toBeGreaterThan(30);
    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    await Promise.all(load);

    const stored = new Map((await storedTexts(prefix)).map((m) => [m.client_id, m.seq]));
    for (const id of acked) expect(stored.has(id), `acknowledged ${id} is stored`).toBe(true);
    const announced = () => acked.filter((id) => held.get(stored.get(id)!)?.clientId !== id);
    await expect.poll(announced, { timeout: 5000 }).toEqual([]);
    expect(refused + acked.length).toBeGreaterThan(0);
  });
});
