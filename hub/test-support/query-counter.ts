import type { KyselyPlugin } from 'kysely';

/**
 * Counts the statements run through a Kysely instance: `db.withPlugin(counter.plugin)`. Counted
 * as their results come back, so a prepared statement (compiled once, run many times) counts at
 * every run; BEGIN and COMMIT, which the driver sends itself, are not counted.
 */
export function queryCounter(): { readonly queries: number; plugin: KyselyPlugin } {
  let queries = 0;
  return {
    get queries() {
      return queries;
    },
    plugin: {
      transformQuery: (args) => args.node,
      transformResult: async (args) => (queries++, args.result),
    },
  };
}
