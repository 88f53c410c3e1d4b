import { PostgresAdapter, sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../store/schema.ts';

/**
 * Order revisions: the cursor of the recipients' catch-up (`order:sync`). What must hold: once a
 * client has been given changes up to rev R, no change at or below R becomes visible later.
 *
 * SQLite has one writer at a time, so a plain counter (the `order_rev` row) is handed out in
 * commit order. On PostgreSQL that row would be one lock every order write on every node queues
 * on, so there a rev is the writing transaction's own id plus a fixed base (the same row, no longer
 * counted up: it keeps revs above the counter era's). No shared row is written. Transaction ids are
 * taken in start order, not commit order, so readers stop at the horizon (`revHorizon`): below the
 * oldest transaction of this database still in flight everything has committed or rolled back.
 */
type Db = Kysely<Database> | Transaction<Database>;

const onPostgres = (db: Db) => db.getExecutor().adapter instanceof PostgresAdapter;

/** The revision of the caller's write transaction: one per transaction, taken inside it. */
export async function takeRev(trx: Transaction<Database>): Promise<number> {
  if (onPostgres(trx)) {
    const { rows } = await sql<{ rev: string }>`
      select value + pg_current_xact_id()::text::bigint as rev from counters where name = 'order_rev'`.execute(trx);
    return Number(rows[0]!.rev);
  }
  const row = await trx
    .updateTable('counters')
    .set((eb) => ({ value: eb('value', '+', 1) }))
    .where('name', '=', 'order_rev')
    .returning('value')
    .executeTakeFirstOrThrow();
  return Number(row.value);
}

/** Where a catch-up may read to. */
export interface RevHorizon {
  /** Every change at or below this rev is visible to any statement that starts from now on. */
  complete: number;
  /** The highest rev that can have been handed out: a cursor above it belongs to another store. */
  issued: number;
}

/** The horizon now. Read it before the rows, in its own statement: later snapshots only see more. */
export async function revHorizon(db: Kysely<Database>): Promise<RevHorizon> {
  if (!onPostgres(db)) {
    const row = await db
      .selectFrom('counters')
      .select('value')
      .where('name', '=', 'order_rev')
      .executeTakeFirstOrThrow();
    return { complete: Number(row.value), issued: Number(row.value) };
  }
  // xmax: ids from here on were not yet taken when this statement's snapshot was. The activity
  // view is read after that snapshot, so a transaction with a lower id is either listed there as
  // still running or has finished. Its 32-bit ids are widened against xmax; an id taken after the
  // snapshot widens to "behind by more than half the span" and is left out (it is above xmax).
  const { rows } = await sql<{ base: string; xmax: string; oldest: string | null }>`
    with snap as (select pg_snapshot_xmax(pg_current_snapshot())::text::bigint as xmax),
    running as (
      select ((s.xmax - a.backend_xid::text::bigint) % 4294967296 + 4294967296) % 4294967296 as behind
      from pg_stat_activity a, snap s
      where a.datname = current_database() and a.backend_xid is not null
    )
    select c.value as base, s.xmax,
      (select s.xmax - max(behind) from running where behind > 0 and behind < 2147483648) as oldest
    from counters c, snap s
    where c.name = 'order_rev'`.execute(db);
  const { base, xmax, oldest } = rows[0]!;
  const below = oldest === null ? Number(xmax) : Math.min(Number(xmax), Number(oldest));
  return { complete: Number(base) + below - 1, issued: Number(base) + Number(xmax) - 1 };
}

/**
 * The highest rev stored, on PostgreSQL: each table's max read off its rev index (migration 0019),
 * a probe at the index's end whatever the history's length.
 */
export const storedRevTop = sql<{ top: string }>`select greatest(
  (select coalesce(max(rev), 0) from order_recipients),
  (select coalesce(max(rev), 0) from orders)) as top`;

/**
 * Keeps revs rising after a PostgreSQL dump was restored into another cluster, whose transaction
 * ids may be lower than the ones the stored revs came from: lifts the base above every stored
 * rev. In normal running every stored rev is below base + the current id, and this changes
 * nothing; run it at start-up, before the node writes.
 */
export async function liftRevBase(db: Kysely<Database>): Promise<void> {
  if (!onPostgres(db)) return;
  await sql`
    update counters set value = stored.top - pg_current_xact_id()::text::bigint + 1
    from (${storedRevTop}) stored
    where name = 'order_rev' and value + pg_current_xact_id()::text::bigint <= stored.top`.execute(db);
}
