import type { Kysely, Transaction } from 'kysely';
import { appendHistory } from '../conversations/message-log.ts';
import { insertMatterHistory } from '../groups/matter-history.ts';
import { insertHotlineHistory } from '../hotline/hotline-history.ts';
import { insertIncidentHistory } from '../incidents/incident-history.ts';
import { insertOrderHistory, type OrderHistoryRows } from '../orders/order-history.ts';
import { holdsDemoData } from '../org/demo-seed.ts';
import type { Database } from '../store/schema.ts';
import { dice, seedOf } from '../org/demo-random.ts';
import { planGrid, type GridPlan } from './grid-history.ts';
import { loadCast } from './history-cast.ts';
import { historyClock } from './history-clock.ts';
import { planHotline } from './hotline-history.ts';
import { planIncidents } from './incident-history.ts';
import { planOrders } from './order-history.ts';

/** The counters row that says a store holds its demo history: a restart (or a second node) never adds another month. */
const MARKER = 'demo_history';

export interface HistoryOptions {
  /** The start time: the history ends here. */
  now: number;
  /** The report time zone: days are cut there, as the reports cut them. */
  timeZone: string;
  days: number;
  /** The hotline's response target (letters answered later were flagged overdue). */
  responseMs: number;
}

export interface HistoryCounts {
  incidents: number;
  orders: number;
  assignments: number;
  messages: number;
  matters: number;
  letters: number;
}

/** Appends a grid's planned conversation after whatever its group holds, then its matters on those messages. */
async function writeGrid(trx: Transaction<Database>, plan: GridPlan, id: (at: number) => string) {
  if (plan.messages.length === 0) return;
  const first = await appendHistory(trx, plan.groupId, plan.messages);
  await insertMatterHistory(
    trx,
    plan.matters.map((m, k) => ({
      id: id(m.createdAt),
      group_id: plan.groupId,
      seq: first + m.raised,
      client_id: `${plan.messages[m.raised]!.clientId}-matter-${k}`,
      category: m.category,
      title: m.title,
      status: m.status,
      assignee_id: m.assigneeId,
      department: m.department,
      answer_seq: m.answer === null ? null : first + m.answer,
      created_by: m.createdBy,
      created_at: m.createdAt,
      updated_at: m.updatedAt,
    })),
  );
}

/**
 * Seeds a living month into a fresh demo store (SEED_DEMO=demo only): every station's incident
 * register, orders with their receipts and feedback, grid group conversations with their matters,
 * and letters to the station head with their ratings, laid on the days before the start so that
 * the first morning briefing and reports have figures to show. Deterministic: the PRNG is seeded
 * by the local start date, so the same start day gives the same rows on every machine.
 *
 * The demo only plans (who, what, when); each table's owning module writes its rows through its
 * history writer (incidents, orders, matters, hotline threads; the message log takes seq gap-free
 * and leaves read cursors at the end), all in one transaction, so a store holds all of it or none. Returns null when the store is not a demo
 * store or already holds its history.
 */
export async function seedDemoHistory(db: Kysely<Database>, opts: HistoryOptions): Promise<HistoryCounts | null> {
  if (opts.days <= 0 || !(await holdsDemoData(db))) return null;
  const clock = historyClock(opts.now, opts.timeZone, opts.days);
  const d = dice(seedOf(`fengqiao-demo-history:${clock.today}`));
  const cast = await loadCast(db);
  return db.transaction().execute(async (trx) => {
    // Claimed first: a second node starting at once waits on this row, then finds it taken.
    const claimed = await trx
      .insertInto('counters')
      .values({ name: MARKER, value: opts.now })
      .onConflict((oc) => oc.column('name').doNothing())
      .executeTakeFirst();
    if (Number(claimed.numInsertedOrUpdatedRows ?? 0) === 0) return null;
    const counts: HistoryCounts = { incidents: 0, orders: 0, assignments: 0, messages: 0, matters: 0, letters: 0 };
    const orders: OrderHistoryRows = { orders: [], recipients: [], events: [] };
    for (const st of cast) {
      const incidents = planIncidents(d, st, clock);
      await insertIncidentHistory(trx, incidents);
      counts.incidents += incidents.length;
      const o = planOrders(d, st, clock, incidents);
      orders.orders.push(...o.orders);
      orders.recipients.push(...o.recipients);
      orders.events.push(...o.events);
      for (const grid of st.grids) {
        const plan = planGrid(d, grid, clock);
        await writeGrid(trx, plan, d.id);
        counts.messages += plan.messages.length;
        counts.matters += plan.matters.length;
      }
      const threads = planHotline(d, st, clock, opts.responseMs);
      await insertHotlineHistory(trx, threads);
      counts.letters += threads.length;
      counts.messages += threads.reduce((s, t) => s + t.messages.length, 0);
    }
    await insertOrderHistory(trx, orders);
    counts.orders = orders.orders.length;
    counts.assignments = orders.recipients.length;
    return counts;
  });
}
