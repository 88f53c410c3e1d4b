import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { loadConfig } from '../src/config.ts';
import { startHub, type Hub } from '../src/hub.ts';
import { createLogger, type Logger } from '../src/logger.ts';
import { DEMO_PASSWORD } from '../src/org/demo-seed.ts';
import type { ClientToServerEvents, LoginResponse, Role, ServerToClientEvents } from '../src/protocol/index.ts';
import { SESSION_COOKIE } from '../src/protocol/index.ts';

import { createTempPostgres, REDIS_URL } from './services.ts';

export { createTempPostgres, serviceAvailable, storeDialects, POSTGRES_URL, REDIS_URL } from './services.ts';

export interface TestHub {
  url: string;
  hub: Hub;
  demoPassword: string;
  close(): Promise<void>;
}

export interface TestHubOptions {
  /** Mount the built web client (web/build must exist). */
  web?: boolean;
  databaseUrl?: string;
  redisUrl?: string;
  /** An existing data folder (to restart on the same SQLite file); a fresh temp folder otherwise. */
  dataDir?: string;
  /** Extra environment settings, as in production. */
  env?: Record<string, string>;
  /** A logger of the test's own (to read what the hub logs); silent by default. */
  log?: Logger;
  /** Seed the demo organisation (SEED_DEMO=demo) into an empty store: true unless a test asks for production. */
  demo?: boolean;
  /** Days of demo history (DEMO_HISTORY_DAYS); none unless a test asks, so figures stay the test's own. */
  historyDays?: number;
}

/** Two hub nodes sharing a fresh PostgreSQL database and Redis, as a scaled-out deployment runs. */
export interface NodePair {
  a: TestHub;
  b: TestHub;
  /** Stops both nodes and drops the database. */
  close(): Promise<void>;
}

/**
 * Starts nodes `hub-a` and `hub-b` on one temporary database, with an adapter channel prefix of
 * their own (`fq-<name>-<random>`) so that parallel tests on the shared Redis never hear each other.
 */
export async function startNodePair(name: string, env: Record<string, string> = {}): Promise<NodePair> {
  const pg = await createTempPostgres();
  const shared = { REDIS_CHANNEL_PREFIX: `fq-${name}-${randomBytes(4).toString('hex')}`, ...env };
  const start = (node: string) =>
    startTestHub({ databaseUrl: pg.url, redisUrl: REDIS_URL, env: { ...shared, NODE_ID: node } });
  const a = await start('hub-a');
  const b = await start('hub-b');
  return {
    a,
    b,
    async close() {
      await Promise.all([a.close(), b.close()]);
      await pg.drop();
    },
  };
}

/** Starts a real hub on a free loopback port with its own fresh store and, unless `demo: false`, the demo data. */
export async function startTestHub(opts: TestHubOptions = {}): Promise<TestHub> {
  const ownDir = opts.dataDir ? undefined : mkdtempSync(join(tmpdir(), 'fq-hub-'));
  const env: Record<string, string> = {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: opts.dataDir ?? ownDir!,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SEED_DEMO: opts.demo === false ? 'never' : 'demo',
    DEMO_HISTORY_DAYS: String(opts.historyDays ?? 0),
    ...(opts.web ? {} : { WEB_BUILD_DIR: join(ownDir ?? opts.dataDir!, 'no-web') }),
    ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
    ...(opts.redisUrl ? { REDIS_URL: opts.redisUrl } : {}),
    ...opts.env,
  };
  const config = loadConfig(env);
  const hub = await startHub(config, opts.log ?? createLogger(config.logLevel));
  return {
    url: hub.url,
    hub,
    demoPassword: DEMO_PASSWORD,
    async close() {
      await hub.close();
      if (ownDir) rmSync(ownDir, { recursive: true, force: true });
    },
  };
}

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Logs in through the REST API; returns the session token (the cookie's value) and the person. */
export async function login(
  url: string,
  loginName: string,
  password = DEMO_PASSWORD,
): Promise<{ token: string; cookie: string; body: LoginResponse }> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ login: loginName, password }),
  });
  if (!res.ok) throw new Error(`login ${loginName} failed: ${res.status} ${await res.text()}`);
  const setCookie = res.headers.get('set-cookie') ?? '';
  const token = new RegExp(`${SESSION_COOKIE}=([^;]+)`).exec(setCookie)?.[1];
  if (!token) throw new Error('no session cookie');
  return { token, cookie: `${SESSION_COOKIE}=${token}`, body: (await res.json()) as LoginResponse };
}

/** The login of the first demo person with this role (the seed is deterministic; ids are not hard-coded). */
export async function demoLogin(hub: Hub, role: Role): Promise<string> {
  const row = await hub.store.db
    .selectFrom('users')
    .select('login')
    .where('role', '=', role)
    .orderBy('id')
    .executeTakeFirstOrThrow();
  return row.login;
}

/**
 * Opens a real socket.io-client connection; resolves once connected, rejects with the connect_error.
 * `reconnect`: comes back by itself after any drop, one the server made included, as the web client does.
 */
export function connectSocket(
  url: string,
  opts: { token?: string; cookie?: string; origin?: string | null; reconnect?: boolean } = {},
): Promise<TestSocket> {
  const headers: Record<string, string> = {};
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.origin !== null) headers.origin = opts.origin ?? url;
  const socket: TestSocket = io(url, {
    transports: ['websocket'],
    reconnection: opts.reconnect ?? false,
    forceNew: true,
    auth: opts.token ? { token: opts.token } : {},
    extraHeaders: headers,
  });
  // socket.io-client leaves a server's disconnect alone; the web's connection retries it.
  if (opts.reconnect) socket.on('disconnect', (why) => why === 'io server disconnect' && socket.connect());
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

export { nextEvent } from './next-event.ts';

/** A response body as JSON, loosely typed: tests assert on its shape. */

export const readJson = (res: Response): Promise<any> => res.json();

/**
 * Adds `n` extra staff with the demo password to a unit (tests that need a squad of 50 officers).
 * Returns their logins.
 */
export async function addStaff(
  hub: Hub,
  unitId: string,
  n: number,
  role: Role = 'officer',
  prefix = 'x',
): Promise<string[]> {
  const template = await hub.store.db
    .selectFrom('users')
    .select('password_hash')
    .where('role', '=', 'officer')
    .executeTakeFirstOrThrow();
  const t = Date.now();
  const rows = Array.from({ length: n }, (_, i) => ({
    id: `${prefix}${String(i).padStart(5, '0')}${t}`,
    login: `${prefix}${t}-${i}`,
    name: `测试警员${i + 1}`,
    display_name: `测试警员${i + 1}`,
    role,
    rank: null,
    unit_id: unitId,
    phone: null,
    password_hash: template.password_hash,
    disabled_at: null,
    created_at: t,
    updated_at: t,
  }));
  for (let i = 0; i < rows.length; i += 200)
    await hub.store.db
      .insertInto('users')
      .values(rows.slice(i, i + 200))
      .execute();
  return rows.map((r) => r.login);
}

/** The first demo station and the login of a dispatcher in its own command room (scope: that station). */
export async function firstStation(hub: Hub): Promise<{ stationId: string; dispatcherLogin: string }> {
  const db = hub.store.db;
  const station = await db
    .selectFrom('units')
    .select('id')
    .where('kind', '=', 'station')
    .orderBy('sort')
    .executeTakeFirstOrThrow();
  const d = await db
    .selectFrom('users')
    .innerJoin('units', 'units.id', 'users.unit_id')
    .select('users.login')
    .where('users.role', '=', 'dispatcher')
    .where('units.parent_id', '=', station.id)
    .executeTakeFirstOrThrow();
  return { stationId: station.id, dispatcherLogin: d.login };
}

/** A loopback port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const srv = createNetServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}
export {
  newDevice,
  signInMany,
  startPushEndpoint,
  startWebhookReceiver,
  type PushEndpoint,
  type TestDevice,
} from './push-endpoint.ts';
export {
  apiClient,
  setUpFirstAdmin,
  encodeGbk,
  ADMIN_PASSWORD,
  type ApiClient,
  type ApiAnswer,
} from './admin-client.ts';
export { firstGrid, type FirstGrid } from './first-grid.ts';
export { checkCatchUpFollowsMembership, type MembershipNodes } from './membership-catch-up.ts';
export { checkNewGridHeardLive, gridOverHttp, type NewGridCase } from './new-grid-live.ts';
export { buildStationRoster, csv, stationUnitsCsv } from './roster.ts';
export { metricSample, scrapeMetrics } from './metrics-text.ts';
export { parseCsv } from '../src/admin/csv.ts';
export { createOutdatedStore } from './partial-store.ts';
export { createBackup } from '../src/store/backup.ts';

/** The name of the newest migration this code knows: the schema version a migrated store is at. */
export async function newestMigration(): Promise<string> {
  const { migrationProvider } = await import('../src/store/migrations/index.ts');
  return Object.keys(await migrationProvider.getMigrations())
    .sort()
    .at(-1)!;
}
export { seededStore } from './seeded-store.ts';
export { hasRedisServer, startPrivateRedis } from './private-redis.ts';
