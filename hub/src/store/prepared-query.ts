import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { Database } from './schema.ts';
import { directStatement, type DirectStatement } from './sqlite-direct.ts';

/** A value of the query that the builder sees as a stand-in; any type goes, as in `values({...})`. */
type Slots<K extends string> = { readonly [key in K]: never };

/** A compiled query, per parameter how to fill it from a call's values, and its direct run (SQLite). */
interface Compiled<V, R> {
  query: CompiledQuery<R>;
  fill: ((values: V) => unknown)[];
  direct: DirectStatement | undefined;
}

/**
 * Compiles what `build` makes of unique stand-in objects, and maps each parameter back to the
 * value it stands for (`pick`), or keeps it as compiled (a literal `1`).
 */
function compileWithStandIns<S, V, R>(
  db: Kysely<Database>,
  standIns: Map<unknown, S>,
  query: CompiledQuery<R>,
  pick: (standIn: S, values: V) => unknown,
): Compiled<V, R> {
  const fill = query.parameters.map((p) => {
    const s = standIns.get(p);
    return s === undefined ? () => p : (values: V) => pick(s, values);
  });
  return { query, fill, direct: directStatement(db, query.sql) };
}

function run<V, R>(exec: Kysely<Database>, { query, fill, direct }: Compiled<V, R>, values: V) {
  const parameters = fill.map((f) => f(values));
  return direct?.(exec, query, parameters) ?? exec.executeQuery<R>({ ...query, parameters });
}

/**
 * A hot-path query that Kysely builds and compiles once, then runs with fresh values: for a
 * statement SQLite runs in microseconds, building and compiling it cost more CPU than running it.
 * `build` gets a stand-in per named value; each stand-in becomes the parameters it compiled to,
 * every other parameter (a literal `1`) stays as compiled. The SQL text is the same for a
 * transaction of `db`, so the answer runs on `db` or any transaction of it; on SQLite, mostly
 * without Kysely's connection queue (sqlite-direct.ts).
 */
export function preparedQuery<K extends string, R>(
  db: Kysely<Database>,
  keys: readonly K[],
  build: (db: Kysely<Database>, slot: Slots<K>) => Compilable<R>,
): PreparedQuery<K, R> {
  type Values = Readonly<Record<K, unknown>>;
  let compiled: Compiled<Values, R> | undefined;
  const compile = () => {
    // Unique objects: a parameter is a stand-in exactly when it is one of them.
    const standIns = new Map<unknown, K>(keys.map((k) => [{ slot: k }, k]));
    const slot = Object.fromEntries([...standIns].map(([s, k]) => [k, s])) as Slots<K>;
    return compileWithStandIns(db, standIns, build(db, slot).compile(), (k, values: Values) => values[k]);
  };
  return Object.assign(async (exec: Kysely<Database>, values: Values) => run(exec, (compiled ??= compile()), values), {
    now(values: Values): QueryResult<R> {
      const { query, fill, direct } = (compiled ??= compile());
      const result = direct?.(
        db,
        query,
        fill.map((f) => f(values)),
      );
      if (!result) throw new Error("a prepared query cannot run now: SQLite's connection is not free for it");
      return result;
    },
  });
}

/**
 * A prepared query: run on `db` or a transaction of it. `now` runs it at once, without a wait, on
 * SQLite's connection where the direct path may (sqlite-direct.ts: inside a direct transaction's
 * body, or on a free connection), and throws where it may not (PostgreSQL, another's transaction).
 */
export type PreparedQuery<K extends string, R> = ((
  exec: Kysely<Database>,
  values: Readonly<Record<K, unknown>>,
) => Promise<QueryResult<R>>) & { now(values: Readonly<Record<K, unknown>>): QueryResult<R> };

/**
 * A list padded with `filler` to the next power of two, so that a query over 3 or 300 rows uses
 * one of a handful of prepared statements instead of one per length; one stays one (the common
 * case: a single reconnect, one group with news), as each padding row costs an index probe.
 */
export const padToPowerOfTwo = <T>(rows: readonly T[], filler: T): T[] => [
  ...rows,
  ...Array.from({ length: 2 ** Math.ceil(Math.log2(rows.length)) - rows.length }, () => filler),
];

/**
 * A query over a list of rows (a multi-row INSERT, a statement per group of a batch), prepared
 * like {@link preparedQuery} once per list length: `build` gets one set of stand-ins per row.
 * Callers keep the lengths bounded (a batch's size), so the compiled texts stay few.
 */
export function preparedRowsQuery<K extends string, R>(
  db: Kysely<Database>,
  keys: readonly K[],
  build: (db: Kysely<Database>, rows: Slots<K>[]) => Compilable<R>,
): (exec: Kysely<Database>, rows: readonly Readonly<Record<K, unknown>>[]) => Promise<QueryResult<R>> {
  type Rows = readonly Readonly<Record<K, unknown>>[];
  const byLength = new Map<number, Compiled<Rows, R>>();
  const compile = (length: number) => {
    const standIns = new Map<unknown, { row: number; key: K }>();
    const slots = Array.from({ length }, (_, row) => {
      const entries = keys.map((key) => {
        const s = { slot: key, row };
        standIns.set(s, { row, key });
        return [key, s] as const;
      });
      return Object.fromEntries(entries) as Slots<K>;
    });
    return compileWithStandIns(db, standIns, build(db, slots).compile(), ({ row, key }, rows: Rows) => rows[row]![key]);
  };
  return async (exec, rows) => {
    if (rows.length === 0) throw new Error('a prepared rows query needs at least one row');
    let compiled = byLength.get(rows.length);
    if (!compiled) byLength.set(rows.length, (compiled = compile(rows.length)));
    return run(exec, compiled, rows);
  };
}
