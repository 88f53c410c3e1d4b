import type { KyselyPlugin } from 'kysely';

/** Counts the statements sent through a Kysely instance: `db.withPlugin(counter.plugin)`. */
export function queryCounter(): { readonly queries: number; plugin: KyselyPlugin } {
  let queries = 0;
  return {
    get queries() {
      return queries;
    },
    plugin: {
      transformQuery: (args) => (queries++, args.node),
      transformResult: async (args) => args.result,
    },
  };
}
