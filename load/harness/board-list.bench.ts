import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { serviceAvailable } from '@fengqiao/hub/test-support';
import { searchOrders } from '../../hub/src/orders/order-search.ts';
import { createOrderViews } from '../../hub/src/orders/order-views.ts';
import { ORDER_SEARCH_PAGE } from '../../hub/src/protocol/index.ts';
import type { Store } from '../../hub/src/store/database.ts';
import { seedOrderHistory } from '../../hub/test-support/order-history.ts';
import { queryCounter } from '../../hub/test-support/query-counter.ts';
import { log, publish, runBench } from './bench-run.ts';
import { codeVersion, commandLine, describeMachine } from './machine.ts';
import { openSeededStore } from './seeded-store.ts';
import { median } from './stats.ts';

/**
 * The dispatcher's order lists with a long history: a page of 已完成 (finished) and of 进行中
 * (active) orders with their boards, and a search page, on the embedded store and on PostgreSQL,
 * with ORDERS top-level orders (90% finished) behind them. Counts the store queries each page
 * makes and times it; the baseline in the same run is one full count of the recipients table,
 * so the ratio says how many table scans' worth a page costs on this machine.
 *
 *   pnpm --filter @fengqiao/load bench:board-list   (ORDERS=20000, ROUNDS=7 after a warm-up)
 */
const ORDERS = Number(process.env.ORDERS ?? 20_000);
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const LIST_PAGE = 50;

async function benchDialect(dialect: Store['dialect']) {
  return openSeededStore(dialect, 'fq-bench-board-list-', async ({ store, dispose }) => {
    try {
      const seedStart = performance.now();
      const history = await seedOrderHistory(store.db, { orders: ORDERS, finishedShare: 0.9 });
      const seedSeconds = Math.round((performance.now() - seedStart) / 100) / 10;
      const counter = queryCounter();
      const db = store.db.withPlugin(counter.plugin);
      const views = createOrderViews(db, () => history.now);
      const middle = history.orderIds[Math.floor(history.orderIds.length / 2)]!;
      const pages = {
        'finished, first page (50)': () => searchOrders(db, views, history.scopePath, { state: 'finished' }, LIST_PAGE),
        'finished, a page in the middle (50)': () =>
          searchOrders(db, views, history.scopePath, { state: 'finished', before: middle }, LIST_PAGE),
        'active, first page (50)': () => searchOrders(db, views, history.scopePath, { state: 'active' }, LIST_PAGE),
        [`search finished by text (${ORDER_SEARCH_PAGE})`]: () =>
          searchOrders(db, views, history.scopePath, { state: 'finished', text: '走访' }, ORDER_SEARCH_PAGE),
      };
      const ms = new Map<string, number[]>(Object.keys(pages).map((k) => [k, []]));
      const queries = new Map<string, number>();
      const baseline: number[] = [];
      for (let round = 0; round <= ROUNDS; round++) {
        const b0 = performance.now();
        await store.db
          .selectFrom('order_recipients')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirst();
        const b1 = performance.now();
        for (const [name, page] of Object.entries(pages)) {
          const before = counter.queries;
          const t0 = performance.now();
          const out = await page();
          const t1 = performance.now();
          queries.set(name, counter.queries - before);
          if (out.orders.length === 0) throw new Error(`${name}: an empty page measures nothing`);
          // Round 0 warms caches and prepared plans; it is not counted.
          if (round > 0) ms.get(name)!.push(t1 - t0);
        }
        if (round > 0) baseline.push(b1 - b0);
      }
      const recipients = await store.db
        .selectFrom('order_recipients')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      return {
        dialect,
        seeded: { orders: ORDERS, recipients: Number(recipients.n), seedSeconds },
        baselineFullCountMs: Math.round(median(baseline) * 10) / 10,
        pages: Object.keys(pages).map((name) => ({
          name,
          queries: queries.get(name)!,
          medianMs: Math.round(median(ms.get(name)!) * 10) / 10,
          maxMs: Math.round(Math.max(...ms.get(name)!) * 10) / 10,
          ratioToBaseline: Math.round((median(ms.get(name)!) / median(baseline)) * 100) / 100,
        })),
      };
    } finally {
      await dispose();
    }
  });
}

runBench(async () => {
  const startedAt = new Date().toISOString();
  const machine = describeMachine();
  const load = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(' / ');
  const dialects: Store['dialect'][] = ['sqlite'];
  if (await serviceAvailable('postgres')) dialects.push('postgres');
  const results = [];
  for (const d of dialects) {
    log(`${d}: seeding ${ORDERS} orders`);
    results.push(await benchDialect(d));
  }
  machine.loadAvgEnd = loadavg();
  const rows = results.flatMap((r) =>
    r.pages.map(
      (p) =>
        `| ${r.dialect} | ${p.name} | ${p.queries} | ${p.medianMs} | ${p.maxMs} | ${r.baselineFullCountMs} | ${p.ratioToBaseline} |`,
    ),
  );
  const markdown = [
    `## ${startedAt.slice(0, 10)} — order lists with ${ORDERS.toLocaleString('en')} orders behind them`,
    '',
    `- command: \`${commandLine('harness/board-list.bench.ts')}\``,
    `- code: ${codeVersion('..')}`,
    `- machine: ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}; load average at start ${load(machine.loadAvgStart)}, at end ${load(machine.loadAvgEnd)}`,
    `- seeded: ${results.map((r) => `${r.dialect} ${r.seeded.recipients.toLocaleString('en')} recipients (${r.seeded.seedSeconds} s)`).join(', ')}; ${ROUNDS} rounds after a warm-up`,
    '',
    '| store | page | store queries | median ms | max ms | baseline: full count of recipients, ms | page / baseline |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
  const result = { startedAt, machine, results };
  await publish(result, markdown, 'board-list');
});
