import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../protocol/index.ts';
import {
  connectSocket,
  firstGrid,
  createTempPostgres,
  login,
  nextEvent,
  serviceAvailable,
  startTestHub,
  type TestHub,
  type TestSocket,
} from '../../test-support/index.ts';

const ready = await serviceAvailable('postgres');

/**
 * A command still running when the hub is told to stop. PostgreSQL lets the test hold the
 * conversation's row lock from outside, so the send is provably in flight when close() begins.
 */
describe.skipIf(!ready)('graceful stop with a command in flight', () => {
  let t: TestHub;
  let drop: () => Promise<void>;
  let dbUrl: string;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    const temp = await createTempPostgres();
    drop = temp.drop;
    dbUrl = temp.url;
    t = await startTestHub({ databaseUrl: dbUrl });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t?.close();
    await drop?.();
  });

  it('refuses new commands (retryable), lets the running one commit, answer and announce, then closes', async () => {
    const { groupId, officerLogin, residentLogins } = await firstGrid(t.hub);
    const writer = await connectSocket(t.url, { cookie: (await login(t.url, officerLogin)).cookie });
    const reader = await connectSocket(t.url, { cookie: (await login(t.url, residentLogins[0]!)).cookie });
    sockets.push(writer, reader);
    await reader.emitWithAck('group:sync', { cursors: { [groupId]: 0 } });

    // Hold the group row: the send takes its seq under this lock and waits.
    const blocker = new pg.Client({ connectionString: dbUrl });
    await blocker.connect();
    await blocker.query('begin');
    await blocker.query('select id from groups where id = $1 for update', [groupId]);
    const announced = nextEvent<MessageView>(reader, 'message:created', 10_000);
    const sent = writer.emitWithAck('message:send', { groupId, clientId: 'stop-in-flight-1', text: '停机前的消息' });
    await expect
      .poll(async () => (await blocker.query('select count(*)::int as n from pg_locks where not granted')).rows[0].n)
      .toBeGreaterThan(0);

    const closed = t.hub.close();
    const refused = await writer.emitWithAck('system:ping', {});
    expect(refused).toMatchObject({ ok: false, error: { code: 'unavailable', retryAfter: expect.any(Number) } });

    await blocker.query('commit');
    await blocker.end();
    expect(await sent).toMatchObject({ ok: true });
    expect((await announced).text).toBe('停机前的消息');
    await closed;
    const stored = await createTempStoreReader(dbUrl, 'stop-in-flight-1');
    expect(stored).toBe(1);
  });
});

/** Counts a client id's rows with a connection of its own: the hub's store is closed by then. */
async function createTempStoreReader(url: string, clientId: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query('select count(*)::int as n from messages where client_id = $1', [clientId])).rows[0]
      .n as number;
  } finally {
    await c.end();
  }
}
