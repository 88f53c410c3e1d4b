import { PostgresAdapter, type Kysely } from 'kysely';
import { newId } from '../ids.ts';
import type { Database } from '../store/schema.ts';
import { dispatchScope } from '../org/dispatch-scope.ts';
import { personById, stationHeads } from '../org/org-queries.ts';
import { takeRev } from './order-revs.ts';
import type { ChasePhase, RecipientState } from '../protocol/index.ts';
import type { OrderNotifier } from './order.service.ts';

export interface SweepOptions {
  /** Reminders at a deadline before the hub escalates (通报) to the station head and the issuer. */
  remindersBeforeEscalation: number;
  /** Time between reminders. */
  reminderIntervalMs: number;
  /** How long a node holds a claimed row; if it dies, another node picks the row up after this. */
  claimLeaseMs: number;
  /** Rows one claim takes (default 500): a batch is settled long before its lease runs out. */
  batchSize?: number;
}

/** A claimed recipient row; `lease` is the claim's mark in `next_chase_at`, which only its holder may settle. */
export interface ClaimedRow {
  order_id: string;
  user_id: string;
  state: RecipientState;
  ack_reminders: number;
  complete_reminders: number;
  lease: number;
}

/** Recipients of one order whose row a batch moved: reminded or escalated in one phase. */
export interface Settled {
  orderId: string;
  phase: ChasePhase;
  escalate: boolean;
  userIds: string[];
}

const PHASE_STATES: Record<ChasePhase, RecipientState[]> = {
  ack: ['pending', 'delivered', 'read'],
  complete: ['acknowledged'],
};
const CHASED: RecipientState[] = [...PHASE_STATES.ack, ...PHASE_STATES.complete];
const DEFAULT_BATCH = 500;

/**
 * The automatic chase: at each deadline, remind pending recipients; after the set number of
 * reminders, escalate to their station head and the issuing dispatcher. A pass claims due rows in
 * bounded batches (one UPDATE that marks them with a lease; on PostgreSQL the candidates are
 * locked SKIP LOCKED, so two nodes take different rows) and settles each batch set-based, moving
 * only rows still as claimed: in the claimed phase and still carrying this claim's lease. A row
 * acknowledged meanwhile, or re-claimed by another node after the lease ran out, is left alone and
 * nothing is sent for it here — so each notice goes out once.
 */
export function createOrderSweep(deps: {
  db: Kysely<Database>;
  notify: OrderNotifier;
  options: SweepOptions;
  now?: () => number;
  /** For the lag metric: how late (ms) the oldest due row was when a pass began. */
  onLateBy?: (ms: number) => void;
}) {
  const { db, notify, options } = deps;
  const now = deps.now ?? Date.now;
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;

  /** Marks up to one batch of rows due at `t` with a lease; returns them. */
  async function claim(t: number): Promise<ClaimedRow[]> {
    const lease = now() + options.claimLeaseMs;
    const rows = await db
      .updateTable('order_recipients')
      .set({ next_chase_at: lease })
      .where((eb) =>
        eb(
          eb.refTuple('order_id', 'user_id'),
          'in',
          eb
            .selectFrom('order_recipients as c')
            .innerJoin('orders as o', 'o.id', 'c.order_id')
            .select(['c.order_id', 'c.user_id'])
            .where('c.next_chase_at', '<=', t)
            .where('c.state', 'in', CHASED)
            .where('o.status', '=', 'active')
            .orderBy('c.next_chase_at')
            .limit(batchSize)
            .$if(postgres, (q) => q.forUpdate('c').skipLocked())
            .$asTuple('order_id', 'user_id'),
        ),
      )
      // Again on the row itself: a row another claim moved while this one waited is not taken twice.
      .where('next_chase_at', '<=', t)
      .where('state', 'in', CHASED)
      .returning(['order_id', 'user_id', 'state', 'ack_reminders', 'complete_reminders'])
      .execute();
    return rows.map((r) => ({ ...r, lease }));
  }

  /** The due time of the oldest row a pass at `t` takes, or null when none is due. */
  async function oldestDue(t: number): Promise<number | null> {
    const row = await db
      .selectFrom('order_recipients as c')
      .innerJoin('orders as o', 'o.id', 'c.order_id')
      .select((eb) => eb.fn.min('c.next_chase_at').as('due'))
      .where('c.next_chase_at', '<=', t)
      .where('c.state', 'in', CHASED)
      .where('o.status', '=', 'active')
      .executeTakeFirst();
    return row?.due == null ? null : Number(row.due);
  }

  async function escalationTargets(orderId: string, userId: string): Promise<string[]> {
    const order = await db.selectFrom('orders').select('issuer_id').where('id', '=', orderId).executeTakeFirstOrThrow();
    const user = await personById(db, userId);
    const station = user && (await dispatchScope(db, user.unit_id));
    const heads = station ? await stationHeads(db, station.id) : [];
    return [...new Set([order.issuer_id, ...heads.map((h) => h.id)])].filter((id) => id !== userId);
  }

  /**
   * Reminds or escalates a claimed batch at time `t`, in one transaction under one rev. Returns
   * who was moved; nothing is announced yet.
   */
  async function settle(claimed: ClaimedRow[], t: number): Promise<Settled[]> {
    if (claimed.length === 0) return [];
    const orderIds = [...new Set(claimed.map((r) => r.order_id))];
    const dues = new Map(
      (await db.selectFrom('orders').select(['id', 'complete_due_at']).where('id', 'in', orderIds).execute()).map(
        (o) => [o.id, o.complete_due_at],
      ),
    );
    // Rows that take the same update: one order, phase, outcome and lease.
    const groups = new Map<string, Settled & { lease: number }>();
    for (const row of claimed) {
      const phase: ChasePhase = row.state === 'acknowledged' ? 'complete' : 'ack';
      const escalate =
        (phase === 'ack' ? row.ack_reminders : row.complete_reminders) >= options.remindersBeforeEscalation;
      const key = `${row.order_id} ${phase} ${escalate} ${row.lease}`;
      const g = groups.get(key) ?? { orderId: row.order_id, phase, escalate, lease: row.lease, userIds: [] };
      g.userIds.push(row.user_id);
      groups.set(key, g);
    }
    const done: Settled[] = [];
    await db.transaction().execute(async (trx) => {
      const rev = await takeRev(trx);
      for (const g of groups.values()) {
        // After escalating for acknowledgement, watch the completion deadline; after that, nothing more.
        const next = g.escalate
          ? g.phase === 'ack'
            ? Math.max(dues.get(g.orderId)!, t + options.reminderIntervalMs)
            : null
          : t + options.reminderIntervalMs;
        const moved = await trx
          .updateTable('order_recipients')
          .set((eb) => ({
            next_chase_at: next,
            rev,
            ...(g.escalate
              ? { escalated_at: t }
              : g.phase === 'ack'
                ? { ack_reminders: eb('ack_reminders', '+', 1) }
                : { complete_reminders: eb('complete_reminders', '+', 1) }),
          }))
          .where('order_id', '=', g.orderId)
          .where('user_id', 'in', g.userIds)
          .where('state', 'in', PHASE_STATES[g.phase])
          .where('next_chase_at', '=', g.lease)
          .returning('user_id')
          .execute();
        if (moved.length === 0) continue;
        const userIds = moved.map((r) => r.user_id);
        const kind = g.escalate ? 'escalated' : 'reminded';
        await trx
          .insertInto('order_events')
          .values(
            userIds.map((u) => ({
              id: newId(),
              order_id: g.orderId,
              at: t,
              actor_id: null,
              subject_id: u,
              kind,
              client_id: null,
              text: g.phase,
            })),
          )
          .execute();
        done.push({ orderId: g.orderId, phase: g.phase, escalate: g.escalate, userIds });
      }
    });
    return done;
  }

  /** Tells what a pass settled: one reminder per order and phase, escalations per person, one board change per order. */
  async function announce(settled: Settled[]): Promise<{ reminded: number; escalated: number }> {
    const reminders = new Map<string, { orderId: string; phase: ChasePhase; userIds: string[] }>();
    let escalated = 0;
    for (const g of settled) {
      if (g.escalate) {
        for (const u of g.userIds) notify.escalated(g.orderId, u, await escalationTargets(g.orderId, u), g.phase);
        escalated += g.userIds.length;
        continue;
      }
      const key = `${g.orderId} ${g.phase}`;
      const r = reminders.get(key) ?? { orderId: g.orderId, phase: g.phase, userIds: [] };
      r.userIds.push(...g.userIds);
      reminders.set(key, r);
    }
    let reminded = 0;
    for (const r of reminders.values()) {
      notify.reminded(r.orderId, r.userIds, r.phase, false);
      reminded += r.userIds.length;
    }
    for (const orderId of new Set(settled.map((g) => g.orderId))) notify.boardChanged(orderId);
    return { reminded, escalated };
  }

  return {
    /** One pass over the rows due now, batch by batch, announced once at its end; returns what it sent. */
    async run(): Promise<{ reminded: number; escalated: number }> {
      const t = now();
      if (deps.onLateBy) {
        const due = await oldestDue(t);
        if (due !== null) deps.onLateBy(t - due);
      }
      const settled: Settled[] = [];
      for (;;) {
        const claimed = await claim(t);
        settled.push(...(await settle(claimed, t)));
        if (claimed.length < batchSize) return announce(settled);
      }
    },
    /** The two halves of a batch, apart: tests put an acknowledgement or a second node between them. */
    claim,
    settle,
  };
}
export type OrderSweep = ReturnType<typeof createOrderSweep>;
