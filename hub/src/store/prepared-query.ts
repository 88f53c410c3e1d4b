import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { Database } from './schema.ts';

/** A value of the query that the builder sees as a stand-in; any type goes, as in `values({...})`. */
type Slots<K extends string> = { readonly [key in K]: never };

/**
 * A hot-path query that Kysely builds and compiles once, then runs with fresh values: for a
 * statement SQLite runs in microseconds, building and compiling it cost more CPU than running it.
 * `build` gets a stand-in per named value; each stand-in becomes the parameters it compiled to,
 * every other parameter (a literal `1`) stays as compiled. The SQL text is the same for a
 * transaction of `db`, so the answer runs on `db` or any transaction of it.
 */
export function preparedQuery<K extends string, R>(
  db: Kysely<Database>,
  keys: readonly K[],
  build: (db: Kysely<Database>, slot: Slots<K>) => Compilable<R>,
): (exec: Kysely<Database>, values: Readonly<Record<K, unknown>>) => Promise<QueryResult<R>> {
  let compiled: { query: CompiledQuery<R>; fill: ((values: Readonly<Record<K, unknown>>) => unknown)[] } | undefined;
  const compile = () => {
    // Unique objects: a parameter is a stand-in exactly when it is one of them.
    const standIns = new Map<unknown, K>(keys.map((k) => [{ slot: k }, k]));
    const slot = Object.fromEntries([...standIns].map(([s, k]) => [k, s])) as Slots<K>;
    const query = build(db, slot).compile();
    const fill = query.parameters.map((p) => {
      const key = standIns.get(p);
      return key === undefined ? () => p : (values: Readonly<Record<K, unknown>>) => values[key];
    });
    return { query, fill };
  };
  return (exec, values) => {
    compiled ??= compile();
    const { query, fill } = compiled;
    return exec.executeQuery<R>({ ...query, parameters: fill.map((f) => f(values)) });
  };
}
