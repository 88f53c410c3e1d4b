import { sql, type Kysely } from 'kysely';
import type { Logger } from '../logger.ts';
import type { Database } from './schema.ts';
import { storeFailureCode } from './store-errors.ts';

/** What the store's readiness check found. */
export interface StoreHealth {
  /** A trivial read answers. */
  answers: boolean;
  /** A small write commits and no write failed for the store's own reasons lately. */
  writable: boolean;
  /** The last store failure (`SQLITE_FULL`, `53100`, …) and when, while it still counts. */
  failure: { code: string; at: number } | null;
}

/** How long a store failure keeps the node unready after it was seen, even if a small probe write then passes. */
const FAILURE_HOLD_MS = 10_000;
/** A probe row older than this belongs to a node that is gone. */
const STALE_PROBE_MS = 24 * 3600_000;
/** Readiness is polled by load balancers: one probe per second at most, shared by concurrent callers. */
const CHECK_CACHE_MS = 1000;

/**
 * Whether this node's store can serve: it answers, it takes a write (the node's row in
 * `store_probes`, which this module owns), and no query failed lately with a store-level failure.
 * A full disk may still take a one-row write into WAL space already allocated, so both count.
 */
export function createStoreHealth(opts: {
  db: () => Kysely<Database>;
  nodeId: string;
  log?: Logger | undefined;
  now?: () => number;
}) {
  const now = opts.now ?? Date.now;
  let failure: StoreHealth['failure'] = null;
  let last: { at: number; result: Promise<StoreHealth> } | undefined;

  const recent = () => (failure && now() - failure.at < FAILURE_HOLD_MS ? failure : null);

  /** Records a failed query; returns its store failure code when it was one. */
  function noteFailure(err: unknown): string | undefined {
    const code = storeFailureCode(err);
    if (!code) return undefined;
    // Logged on the change only: a full disk fails every write, and one line says it.
    if (!recent()) opts.log?.error({ code }, 'store failing; commands are answered store_unavailable');
    failure = { code, at: now() };
    return code;
  }

  async function probe(): Promise<StoreHealth> {
    const db = opts.db();
    const answers = await sql`select 1`.execute(db).then(
      () => true,
      () => false,
    );
    if (!answers) return { answers, writable: false, failure: recent() };
    const at = now();
    const wrote = await db
      .insertInto('store_probes')
      .values({ node: opts.nodeId, at })
      .onConflict((oc) => oc.column('node').doUpdateSet({ at }))
      .execute()
      .then(
        () => true,
        (err: unknown) => (noteFailure(err), false),
      );
    // Node names change with every restart (hub-<pid>): rows of nodes silent for a day go.
    if (wrote)
      await db
        .deleteFrom('store_probes')
        .where('at', '<', at - STALE_PROBE_MS)
        .execute()
        .catch(() => undefined);
    const held = recent();
    return { answers, writable: wrote && !held, failure: held };
  }

  return {
    noteFailure,
    /** Runs the check, or returns the one run within the last second. */
    check(): Promise<StoreHealth> {
      if (!last || now() - last.at >= CHECK_CACHE_MS) last = { at: now(), result: probe() };
      return last.result;
    },
  };
}
export type StoreHealthCheck = ReturnType<typeof createStoreHealth>;
