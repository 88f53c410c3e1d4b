import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createClient } from 'redis';

/** Where tests find the real services (DESIGN.md, Tests): the local ports unless told otherwise. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const POSTGRES_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REQUIRED = process.env.REQUIRE_SERVICES === '1';

async function reachable(probe: () => Promise<unknown>): Promise<boolean> {
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref()),
    ]);
    return true;
  } catch {
    return false;
  }
}

const probes = {
  redis: async () => {
    const c = createClient({ url: REDIS_URL, socket: { reconnectStrategy: false } });
    c.on('error', () => {});
    await c.connect();
    await c.ping();
    await c.quit();
  },
  postgres: async () => {
    const c = new pg.Client({ connectionString: POSTGRES_URL });
    await c.connect();
    await c.query('select 1');
    await c.end();
  },
};

/**
 * True when the service answers. When it does not: under REQUIRE_SERVICES=1 (CI) this throws so
 * the suite fails; otherwise it prints why and the caller skips.
 */
export async function serviceAvailable(name: keyof typeof probes): Promise<boolean> {
  if (await reachable(probes[name])) return true;
  const url = name === 'redis' ? REDIS_URL : POSTGRES_URL;
  if (REQUIRED) throw new Error(`${name} is required (REQUIRE_SERVICES=1) but not reachable at ${url}`);
  console.warn(`skipping ${name} tests: not reachable at ${url}`);
  return false;
}

/** A fresh PostgreSQL database for one test file, dropped afterwards, so suites never share rows. */
export async function createTempPostgres(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `fq_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: POSTGRES_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** A store per dialect for suites that must pass on both: SQLite always, PostgreSQL when reachable. */
export async function storeDialects(): Promise<
  {
    name: 'sqlite' | 'postgres';
    available: boolean;
    databaseUrl: () => Promise<{ url: string | undefined; drop(): Promise<void> }>;
  }[]
> {
  const pgUp = await serviceAvailable('postgres');
  return [
    { name: 'sqlite', available: true, databaseUrl: async () => ({ url: undefined, drop: async () => {} }) },
    { name: 'postgres', available: pgUp, databaseUrl: async () => createTempPostgres() },
  ];
}
