import type { Insertable, Kysely, Transaction } from 'kysely';
import { addMembers, openConversation } from '../conversations/conversation-members.ts';
import { appendHistory } from '../conversations/message-log.ts';
import { takeRev } from '../orders/order-revs.ts';
import { holdsDemoData } from '../org/demo-seed.ts';
import type { Database } from '../store/schema.ts';
import { dice, seedOf } from '../org/demo-random.ts';
import { planGrid, type GridPlan } from './grid-history.ts';
import { loadCast } from './history-cast.ts';
import { historyClock } from './history-clock.ts';
import { planHotline, type ThreadPlan } from './hotline-history.ts';
import { planIncidents } from './incident-history.ts';
import { planOrders, type OrderRows } from './order-history.ts';

/** The counters row that says a store holds its demo history: a restart (or a second node) never adds another month. */
const MARKER = 'demo_history';
/** Rows per INSERT: far under either dialect's bound-parameter limit for the widest table here. */
const SLICE = 200;

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

async function insertSliced<
  T extends 'incidents' | 'orders' | 'order_recipients' | 'order_events' | 'matters' | 'hotline_threads',
>(trx: Transaction<Database>, table: T, rows: Insertable<Database[T]>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += SLICE)
    await trx
      .insertInto(table)
      .values(rows.slice(i, i + SLICE) as never)
      .execute();
}

/** Appends a planned conversation after whatever it holds; returns the seq of its first new message. */
async function appendPlanned(trx: Transaction<Database>, groupId: string, messages: GridPlan['messages']) {
  const { last_seq } = await trx
    .selectFrom('groups')
    .select('last_seq')
    .where('id', '=', groupId)
    .executeTakeFirstOrThrow();
  if (messages.length) await appendHistory(trx, groupId, messages);
  return Number(last_seq) + 1;
}

async function writeGrid(trx: Transaction<Database>, plan: GridPlan, id: (at: number) => string) {
  const first = await appendPlanned(trx, plan.groupId, plan.messages);
  await insertSliced(
    trx,
    'matters',
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

async function writeThreads(trx: Transaction<Database>, threads: ThreadPlan[]) {
  for (const t of threads) {
    await openConversation(trx, { id: t.row.id, kind: 'hotline', name: 'hotline', at: Number(t.row.created_at) });
    await addMembers(trx, t.row.id, t.members, { at: Number(t.row.created_at) });
  }
  await insertSliced(
    trx,
    'hotline_threads',
    threads.map((t) => t.row),
  );
  // Each thread's conversation is new: its messages take seq 1 onwards.
  for (const t of threads) await appendHistory(trx, t.row.id, t.messages);
}

/**
 * Seeds a living month into a fresh demo store (SEED_DEMO=demo only): every station's incident
 * register, orders with their receipts and feedback, grid group conversations with their matters,
 * and letters to the station head with their ratings, laid on the days before the start so that
 * the first morning briefing and reports have figures to show. Deterministic: the PRNG is seeded
 * by the local start date, so the same start day gives the same rows on every machine.
 *
 * Written as the services write: seq taken gap-free by the message log (`appendHistory`), members'
 * read cursors at the end, one order revision (`takeRev`) for the batch; in one transaction with
 * multi-row inserts, so a store holds all of it or none. Returns null when the store is not a demo
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
    const rev = await takeRev(trx);
    const orders: OrderRows = { orders: [], recipients: [], events: [] };
    for (const st of cast) {
      const incidents = planIncidents(d, st, clock);
      await insertSliced(trx, 'incidents', incidents);
      counts.incidents += incidents.length;
      const o = planOrders(d, st, clock, incidents, rev);
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
      await writeThreads(trx, threads);
      counts.letters += threads.length;
      counts.messages += threads.reduce((s, t) => s + t.messages.length, 0);
    }
    await insertSliced(trx, 'orders', orders.orders);
    await insertSliced(trx, 'order_recipients', orders.recipients);
    await insertSliced(trx, 'order_events', orders.events);
    counts.orders = orders.orders.length;
    counts.assignments = orders.recipients.length;
    return counts;
  });
}
