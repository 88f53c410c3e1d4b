import type { Insertable } from 'kysely';
import { DEFAULT_DEADLINES_MIN, type RecipientState } from '../protocol/index.ts';
import type { OrderHistoryRows } from '../orders/order-history.ts';
import type { IncidentTable, OrderEventTable } from '../store/schema.ts';
import type { Dice } from '../org/demo-random.ts';
import type { StationCast } from './history-cast.ts';
import { fill, MIN, timeOfDay, type HistoryClock } from './history-clock.ts';
import { CANCEL_REASONS, ORDER_LINES, RETURN_REASONS, STREETS } from './station-lines.ts';

/** The sweep's ladder with the default settings: reminders at the deadline and two minutes on, then 通报. */
const REMINDER_STEP = 2 * MIN;
const REMINDERS = 2;

/** One recipient's way through an order, each step's time or null when it never happens. */
interface Path {
  delivered: number;
  read: number;
  acknowledged: number | null;
  completed: number | null;
  returned: number | null;
  feedback: string | null;
}

/** The window in which one order per station is left waiting on a recipient who never signed (超时). */
const STALLED_WINDOW: [from: number, to: number] = [27 * 60 * MIN, 3 * 60 * MIN];

/**
 * One recipient's way through an order: mostly in time, some late, but finished, so a fresh demo
 * shows a few open orders (those whose steps lie after the start) and one or two overdue: the
 * station's one `stalled` recipient, who read it and never signed, and a late one still under way.
 */
function walk(d: Dice, sent: number, ackDue: number, completeDue: number, feedback: string[], stalled: boolean): Path {
  const delivered = sent + d.int(2, 40) * 1000;
  const read = Math.min(delivered + d.int(10, 300) * 1000, ackDue - 1000);
  if (stalled) return { delivered, read, acknowledged: null, completed: null, returned: null, feedback: null };
  if (d.chance(0.02))
    return {
      delivered,
      read,
      acknowledged: null,
      completed: null,
      returned: read + MIN,
      feedback: d.pick(RETURN_REASONS),
    };
  const acknowledged =
    d.next() < 0.9 ? read + Math.floor((ackDue - read) * d.next() * 0.9) : ackDue + d.int(1, 25) * MIN;
  const completed =
    d.next() < 0.87
      ? acknowledged + Math.floor((completeDue - acknowledged) * (0.2 + 0.75 * d.next()))
      : Math.max(acknowledged, completeDue) + d.int(10, 360) * MIN;
  return { delivered, read, acknowledged, completed, returned: null, feedback: d.pick(feedback) };
}

/** A recipient's row as the services would have left it at `now`, with the sweep's reminders already run. */
function recipientAt(
  p: Path,
  o: { id: string; ackDue: number; completeDue: number; cancelledAt: number | null },
  userId: string,
  now: number,
): OrderHistoryRows['recipients'][number] {
  const seen = (t: number | null) =>
    t !== null && t <= now && (o.cancelledAt === null || t <= o.cancelledAt) ? t : null;
  const delivered = seen(p.delivered);
  const read = seen(p.read);
  const acknowledged = seen(p.acknowledged);
  const completed = seen(p.completed);
  const returned = seen(p.returned);
  const state: RecipientState = returned
    ? 'returned'
    : completed
      ? 'completed'
      : acknowledged
        ? 'acknowledged'
        : read
          ? 'read'
          : delivered
            ? 'delivered'
            : 'pending';
  // Late past a deadline: reminded at it and every step after, escalated after the last reminder.
  const lateSince = (due: number, doneAt: number | null) => Math.max(0, Math.min(doneAt ?? now, now) - due);
  const ackLate = lateSince(o.ackDue, acknowledged ?? returned);
  const completeLate = acknowledged ? lateSince(o.completeDue, completed) : 0;
  const reminders = (late: number) => (late > 0 ? Math.min(REMINDERS, Math.floor(late / REMINDER_STEP) + 1) : 0);
  const escalatedLate = ackLate > REMINDERS * REMINDER_STEP || completeLate > REMINDERS * REMINDER_STEP;
  const chasedDue = acknowledged ? o.completeDue : o.ackDue;
  const open =
    o.cancelledAt === null &&
    (state === 'pending' || state === 'delivered' || state === 'read' || state === 'acknowledged');
  return {
    order_id: o.id,
    user_id: userId,
    state,
    delivered_at: delivered,
    read_at: read,
    acknowledged_at: acknowledged,
    completed_at: completed,
    returned_at: returned,
    feedback: completed || returned ? p.feedback : null,
    ack_reminders: reminders(ackLate),
    complete_reminders: reminders(completeLate),
    // Still chased where a deadline lies ahead; past ones were chased and escalated already.
    next_chase_at: open && chasedDue > now ? chasedDue : null,
    escalated_at: escalatedLate
      ? (ackLate > REMINDERS * REMINDER_STEP ? o.ackDue : o.completeDue) + REMINDERS * REMINDER_STEP
      : null,
  };
}

/**
 * A month of orders from the station's command room: the morning's routine orders and the day's
 * urgent and flash ones (linked to an incident of the day where one fits), each recipient's
 * receipt, feedback, lateness and escalation as the receipt service and the sweep would have left
 * them, and the order events the board shows.
 */
export function planOrders(
  d: Dice,
  st: StationCast,
  clock: HistoryClock,
  incidents: Insertable<IncidentTable>[],
): OrderHistoryRows {
  const out: OrderHistoryRows = { orders: [], recipients: [], events: [] };
  const communities = [...st.community.entries()].filter(([, people]) => people.length > 0);
  if (communities.length === 0) return out;
  const event = (e: Omit<Insertable<OrderEventTable>, 'id'>) => out.events.push({ id: d.id(e.at), ...e });
  let n = 0;
  let stalledOne = false;
  for (const dayStart of clock.dayStarts) {
    for (let k = d.int(2, 5); k > 0; k--) {
      const line = d.pick(ORDER_LINES);
      const sent = timeOfDay(d, dayStart, 7, 22);
      if (sent >= clock.now) continue;
      const [community, staff] = d.pick(communities);
      const incident =
        line.priority === 'routine'
          ? undefined
          : incidents.find((i) => Number(i.reported_at) < sent && Number(i.reported_at) > sent - 3 * 3600_000);
      const place = incident?.place ?? fill(d, '{s}{n}号', STREETS, community);
      const pool = line.cases && st.cases.length ? st.cases : staff;
      const people = [...new Set(Array.from({ length: d.int(1, Math.min(3, pool.length)) }, () => d.pick(pool)))];
      const deadlines = DEFAULT_DEADLINES_MIN[line.priority];
      const ackDue = sent + deadlines.ack * MIN;
      const completeDue = sent + deadlines.complete * MIN;
      const issuer = d.pick(st.dispatchers);
      const id = d.id(sent);
      const cancelledAt = d.chance(0.03) ? sent + d.int(3, 20) * MIN : null;
      const cancelled = cancelledAt !== null && cancelledAt <= clock.now ? cancelledAt : null;
      const reason = cancelled ? d.pick(CANCEL_REASONS) : null;
      out.orders.push({
        id,
        issuer_id: issuer,
        client_id: `demo-history-${st.code}-${++n}`,
        scope_unit_id: st.id,
        parent_order_id: null,
        incident_id: incident?.id ?? null,
        title: fill(d, line.title, STREETS, community, place),
        body: fill(d, line.body, STREETS, community, place),
        priority: line.priority,
        status: cancelled ? 'cancelled' : 'active',
        targets: JSON.stringify(people.map((userId) => ({ kind: 'user', userId }))),
        ack_due_at: ackDue,
        complete_due_at: completeDue,
        cancel_reason: reason,
        created_at: sent,
        updated_at: cancelled ?? sent,
      });
      event({
        order_id: id,
        at: sent,
        actor_id: issuer,
        subject_id: null,
        kind: 'created',
        client_id: null,
        text: String(people.length),
      });
      const stall: boolean =
        !stalledOne && !cancelled && sent < clock.now - STALLED_WINDOW[1] && sent > clock.now - STALLED_WINDOW[0];
      stalledOne ||= stall;
      for (const [k, userId] of people.entries()) {
        const path = walk(d, sent, ackDue, completeDue, line.feedback, stall && k === 0);
        const row = recipientAt(path, { id, ackDue, completeDue, cancelledAt: cancelled }, userId, clock.now);
        out.recipients.push(row);
        const own = { order_id: id, actor_id: userId, subject_id: userId, client_id: null };
        if (row.acknowledged_at) event({ ...own, at: row.acknowledged_at, kind: 'acknowledged', text: null });
        if (row.completed_at) event({ ...own, at: row.completed_at, kind: 'completed', text: row.feedback ?? null });
        if (row.returned_at) event({ ...own, at: row.returned_at, kind: 'returned', text: row.feedback ?? null });
      }
      if (cancelled)
        event({
          order_id: id,
          at: cancelled,
          actor_id: issuer,
          subject_id: null,
          kind: 'cancelled',
          client_id: null,
          text: reason,
        });
    }
  }
  return out;
}
