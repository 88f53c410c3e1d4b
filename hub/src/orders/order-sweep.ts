import type { Kysely } from 'kysely';
import { newId } from '../ids.ts';
import type { Database } from '../store/schema.ts';
import { dispatchScope } from './dispatch-scope.ts';
import { takeRevs } from './order-revs.ts';
import type { ChasePhase } from '../protocol/index.ts';
import type { OrderNotifier } from './order.service.ts';

export interface SweepOptions {
  /** Reminders at a deadline before the hub escalates (通报) to the station head and the issuer. */
  remindersBeforeEscalation: number;
  /** Time between reminders. */
  reminderIntervalMs: number;
  /** How long a node holds a claimed row; if it dies, another node picks the row up after this. */
  claimLeaseMs: number;
}

/**
 * The automatic chase: at each deadline, remind pending recipients; after the set number of
 * reminders, escalate to their station head and the issuing dispatcher. Rows are claimed by one
 * UPDATE … RETURNING on `next_chase_at`, so with several hub nodes each notice goes out once:
 * a second node's update finds the row already moved past now.
 */
export function createOrderSweep(deps: { db: Kysely<Database>; notify: OrderNotifier; options: SweepOptions; now?: () => number }) {
  const { db, notify, options } = deps;
  const now = deps.now ?? Date.now;

  async function claimDue(t: number) {
    return db
      .updateTable('order_recipients')
      .set({ next_chase_at: t + options.claimLeaseMs })
      .where('next_chase_at', '<=', t)
      .where('state', 'in', ['pending', 'delivered', 'read', 'acknowledged'])
      .where((eb) => eb.exists(eb.selectFrom('orders').select('orders.id').whereRef('orders.id', '=', 'order_recipients.order_id').where('orders.status', '=', 'active')))
      .returning(['order_id', 'user_id', 'state', 'ack_reminders', 'complete_reminders'])
      .execute();
  }

  async function escalationTargets(orderId: string, userId: string): Promise<string[]> {
    const order = await db.selectFrom('orders').select('issuer_id').where('id', '=', orderId).executeTakeFirstOrThrow();
    const user = await db.selectFrom('users').select('unit_id').where('id', '=', userId).executeTakeFirstOrThrow();
    const station = await dispatchScope(db, user.unit_id);
    const heads = station
      ? await db.selectFrom('users').select('id').where('unit_id', '=', station.id).where('role', '=', 'station_head').where('disabled_at', 'is', null).execute()
      : [];
    return [...new Set([order.issuer_id, ...heads.map((h) => h.id)])].filter((id) => id !== userId);
  }

  return {
    /** One pass; returns what it sent, for logs and tests. */
    async run(): Promise<{ reminded: number; escalated: number }> {
      const t = now();
      const due = await claimDue(t);
      let reminded = 0;
      let escalated = 0;
      for (const row of due) {
        const phase: ChasePhase = row.state === 'acknowledged' ? 'complete' : 'ack';
        const sent = phase === 'ack' ? row.ack_reminders : row.complete_reminders;
        const escalate = sent >= options.remindersBeforeEscalation;
        const deadlines = await db.selectFrom('orders').select(['complete_due_at']).where('id', '=', row.order_id).executeTakeFirstOrThrow();
        // After escalating for acknowledgement, watch the completion deadline; after that, nothing more.
        const next = escalate ? (phase === 'ack' ? Math.max(deadlines.complete_due_at, t + options.reminderIntervalMs) : null) : t + options.reminderIntervalMs;
        const to = escalate ? await escalationTargets(row.order_id, row.user_id) : [];
        await db.transaction().execute(async (trx) => {
          const rev = await takeRevs(trx, 1);
          await trx
            .updateTable('order_recipients')
            .set({
              next_chase_at: next,
              rev,
              ...(escalate ? { escalated_at: t } : phase === 'ack' ? { ack_reminders: sent + 1 } : { complete_reminders: sent + 1 }),
            })
            .where('order_id', '=', row.order_id)
            .where('user_id', '=', row.user_id)
            .execute();
          await trx
            .insertInto('order_events')
            .values({ id: newId(), order_id: row.order_id, at: t, actor_id: null, subject_id: row.user_id, kind: escalate ? 'escalated' : 'reminded', client_id: null, text: phase })
            .execute();
        });
        if (escalate) {
          notify.escalated(row.order_id, row.user_id, to, phase);
          escalated++;
        } else {
          notify.reminded(row.order_id, [row.user_id], phase, false);
          reminded++;
        }
        notify.boardChanged(row.order_id);
      }
      return { reminded, escalated };
    },
  };
}
export type OrderSweep = ReturnType<typeof createOrderSweep>;
