import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addStaff,
  createTempPostgres,
  freePort,
  hasRedisServer as redisServerOnPath,
  REDIS_URL,
  serviceAvailable,
  startPrivateRedis,
  startTestHub,
  type TestHub,
} from '@fengqiao/hub/test-support';

const ready = (await serviceAvailable('postgres')) && (await serviceAvailable('redis'));
const hasRedisServer = redisServerOnPath("the limits' Redis outage test");

/** Behind nginx (TRUST_PROXY=loopback here): each case names its client's address. */
const attempt = (url: string, login: string, password: string, from: string) =>
  fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url, 'x-forwarded-for': from },
    body: JSON.stringify({ login, password }),
  });

/** Sign-in limits held in Redis: every node counts against the same buckets. */
describe.skipIf(!ready)('sign-in limits shared by two hub nodes on PostgreSQL + Redis', () => {
  let a: TestHub;
  let b: TestHub;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const pg = await createTempPostgres();
    drop = pg.drop;
    // A prefix of its own: channels and limit counters of parallel runs never meet.
    const env = {
      REDIS_CHANNEL_PREFIX: `fq-test-${randomBytes(4).toString('hex')}`,
      TRUST_PROXY: 'loopback',
      LOGIN_SOURCE_FAILURES_PER_HOUR: '10',
    };
    a = await startTestHub({ databaseUrl: pg.url, redisUrl: REDIS_URL, env: { ...env, NODE_ID: 'hub-a' } });
    b = await startTestHub({ databaseUrl: pg.url, redisUrl: REDIS_URL, env: { ...env, NODE_ID: 'hub-b' } });
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await drop?.();
  });

  const unitOfOfficers = async () =>
    (await a.hub.store.db.selectFrom('users').select('unit_id').where('role', '=', 'officer').executeTakeFirstOrThrow())
      .unit_id;

  it('checks five of 40 parallel wrong passwords spread over both nodes', async () => {
    const [victim] = await addStaff(a.hub, await unitOfOfficers(), 1, 'officer', 'mn');
    const node = (i: number) => (i % 2 ? a.url : b.url);
    const tries = Array.from({ length: 40 }, (_, i) => attempt(node(i), victim!, `guess-${i}`, '192.0.2.1'));
    const answers = await Promise.all(tries);
    expect(answers.filter((r) => r.status === 401)).toHaveLength(5);
    expect(answers.filter((r) => r.status === 429)).toHaveLength(35);
    const db = a.hub.store.db;
    const user = await db.selectFrom('users').select('id').where('login', '=', victim!).executeTakeFirstOrThrow();
    const checked = await db
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'auth.login_failed')
      .where('actor_id', '=', user.id)
      .execute();
    expect(checked).toHaveLength(5);
  });

  it('counts one address spraying accounts on both nodes against one limit', async () => {
    const accounts = await addStaff(a.hub, await unitOfOfficers(), 12, 'officer', 'mnspr');
    const statuses: number[] = [];
    for (const [i, login] of accounts.entries()) {
      statuses.push((await attempt(i % 2 ? a.url : b.url, login, 'Spring2026!', '192.0.2.2')).status);
    }
    expect(statuses).toEqual([...Array<number>(10).fill(401), 429, 429]);
  });
});

describe.skipIf(!hasRedisServer)("sign-in while the limits' Redis is down", () => {
  let redis: ChildProcess;
  let hub: TestHub;

  beforeAll(async () => {
    const port = await freePort();
    redis = await startPrivateRedis(port);
    hub = await startTestHub({ redisUrl: `redis://127.0.0.1:${port}`, env: { TRUST_PROXY: 'loopback' } });
  });
  afterAll(async () => {
    await hub?.close();
    redis?.kill('SIGKILL');
  });

  it('still signs people in and still limits wrong passwords, per node', async () => {
    const db = hub.hub.store.db;
    const station = await db.selectFrom('units').select('id').where('kind', '=', 'station').executeTakeFirstOrThrow();
    const [officer] = await addStaff(hub.hub, station.id, 1, 'officer', 'out');
    expect((await attempt(hub.url, officer!, hub.demoPassword, '192.0.2.3')).status).toBe(200);
    redis.kill('SIGKILL');
    await new Promise((r) => redis.once('exit', r));
    expect((await attempt(hub.url, officer!, hub.demoPassword, '192.0.2.3')).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await attempt(hub.url, officer!, `guess-${i}`, '192.0.2.4')).status).toBe(401);
    expect((await attempt(hub.url, officer!, hub.demoPassword, '192.0.2.4')).status).toBe(429);
  });
});
