import { PostgresAdapter, sql, type Insertable, type Kysely } from 'kysely';
import { mulberry32 } from '../src/org/demo-random.ts';
import type { RecipientState } from '../src/protocol/index.ts';
import type { Database } from '../src/store/schema.ts';

type OrderRow = Insertable<Database['orders']>;
type RecipientRow = Insertable<Database['order_recipients']>;
type EventRow = Insertable<Database['order_events']>;

const HOUR = 3600_000;
const DAY = 24 * HOUR;
/** Rows per INSERT: well under either dialect's bound on bound parameters. */
const CHUNK = 200;

/** What a seeded history holds, for the test or bench that reads it back. */
export interface OrderHistory {
  /** The command scope the orders were sent into (its path, for `searchOrders`). */
  scopePath: string;
  /** The history's "now": deadlines before it are past. */
  now: number;
  /** Top-level order ids, oldest first. */
  orderIds: string[];
}

/**
 * A month of command orders written straight into a demo-seeded store (seedDemo), deterministic
 * for a given seed: top-level orders of the first station's command room with recipients in every
 * state, returns with their 改派, forwarded sub-orders, cancelled orders, activity and other events,
 * plus one order with more pending names and one with more returns than a board shows. `finishedShare`
 * of the ordinary orders end with everyone done or handed back (the 已完成 list).
 */
export async function seedOrderHistory(
  db: Kysely<Database>,
  opts: { orders: number; finishedShare?: number; seed?: number; now?: number },
): Promise<OrderHistory> {
  const rand = mulberry32(opts.seed ?? 17);
  const now = opts.now ?? Date.UTC(2026, 1, 1);
  const finishedShare = opts.finishedShare ?? 0.6;
  const station = await db
    .selectFrom('units')
    .select(['id', 'path'])
    .where('kind', '=', 'station')
    .orderBy('sort')
    .orderBy('id')
    .executeTakeFirstOrThrow();
  const issuer = await db
    .selectFrom('users')
    .innerJoin('units', 'units.id', 'users.unit_id')
    .select('users.id')
    .where('users.role', '=', 'dispatcher')
    .where('units.path', 'like', `${station.path}%`)
    .orderBy('users.id')
    .executeTakeFirstOrThrow();
  const people = (await db.selectFrom('users').select(['id', 'name']).orderBy('id').execute()).filter(
    (u) => u.id !== issuer.id,
  );
  const pickPeople = (n: number) => {
    const pool = [...people];
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(rand() * (pool.length - i));
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    return pool.slice(0, n);
  };
  const pickOf = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

  const orders: OrderRow[] = [];
  const recipients: RecipientRow[] = [];
  const events: EventRow[] = [];
  const orderIds: string[] = [];
  let eventSeq = 0;
  let rev = 0;
  const event = (
    orderId: string,
    at: number,
    kind: string,
    actor: string | null,
    subject: string | null,
    text: string | null,
  ) =>
    events.push({
      id: `h-e-${String(++eventSeq).padStart(8, '0')}`,
      order_id: orderId,
      at,
      kind,
      actor_id: actor,
      subject_id: subject,
      client_id: null,
      text,
    });

  /** One recipient's row in `state`, its timestamps in order, and the events that state leaves. */
  const assign = (orderId: string, userId: string, state: RecipientState, sentAt: number) => {
    const step = () => Math.floor(rand() * 3 * HOUR) + 1;
    const delivered = state === 'pending' ? null : sentAt + step();
    const read = delivered !== null && state !== 'delivered' ? delivered + step() : null;
    const acknowledged = read !== null && (state === 'acknowledged' || state === 'completed') ? read + step() : null;
    const completed = acknowledged !== null && state === 'completed' ? acknowledged + step() : null;
    const returned = read !== null && state === 'returned' ? read + step() : null;
    const feedback = completed ? '已办结，情况正常' : returned ? pickOf(['人在外地', '不在辖区', '休假中']) : null;
    recipients.push({
      order_id: orderId,
      user_id: userId,
      state,
      delivered_at: delivered,
      read_at: read,
      acknowledged_at: acknowledged,
      completed_at: completed,
      returned_at: returned,
      feedback,
      ack_reminders: 0,
      complete_reminders: 0,
      rev: ++rev,
    });
    if (acknowledged) event(orderId, acknowledged, 'acknowledged', userId, userId, null);
    if (acknowledged && rand() < 0.3) event(orderId, acknowledged + 1, 'note', userId, userId, '正在处理');
    if (completed) event(orderId, completed, 'completed', userId, userId, feedback);
    if (returned) event(orderId, returned, 'returned', userId, userId, feedback);
    return returned;
  };

  const addOrder = (
    i: number,
    parent: OrderRow | null,
    spec: { size: number; states: () => RecipientState; cancelled: boolean },
  ) => {
    const createdAt = parent
      ? (parent.created_at as number) + HOUR
      : now - 30 * DAY + Math.floor((i / opts.orders) * 29 * DAY);
    const id = parent ? `${parent.id}-sub` : `h-o-${String(i).padStart(7, '0')}`;
    const row: OrderRow = {
      id,
      issuer_id: issuer.id,
      client_id: id,
      scope_unit_id: station.id,
      parent_order_id: parent?.id ?? null,
      incident_id: null,
      title: `${pickOf(['走访', '巡查', '核查', '排查'])}任务 ${i}`,
      body: '按要求办理并反馈。',
      priority: pickOf(['routine', 'urgent', 'flash'] as const),
      status: spec.cancelled ? 'cancelled' : 'active',
      targets: '[]',
      // Some deadlines still ahead of `now`, most behind: overdue counts of every kind.
      ack_due_at: createdAt + (rand() < 0.2 ? 40 * DAY : 2 * HOUR),
      complete_due_at: createdAt + (rand() < 0.3 ? 40 * DAY : DAY),
      cancel_reason: spec.cancelled ? '任务取消' : null,
      rev: ++rev,
      created_at: createdAt,
      updated_at: createdAt,
    };
    orders.push(row);
    event(id, createdAt, 'created', issuer.id, null, null);
    for (const p of pickPeople(spec.size)) {
      const returnedAt = assign(id, p.id, spec.states(), createdAt);
      // Half the returns were re-dispatched (改派) to someone else.
      if (returnedAt && rand() < 0.5) event(id, returnedAt + HOUR, 'reassigned', issuer.id, p.id, pickOf(people).name);
    }
    if (rand() < 0.2) event(id, createdAt + 3 * HOUR, 'reminded', null, null, null);
    return row;
  };

  const anyState = () => pickOf(['pending', 'delivered', 'read', 'acknowledged', 'completed', 'returned'] as const);
  const doneState = () => (rand() < 0.8 ? 'completed' : 'returned');
  for (let i = 0; i < opts.orders; i++) {
    const finished = rand() < finishedShare;
    const spec =
      i === 1
        ? { size: 70, states: () => pickOf(['pending', 'delivered', 'read'] as const), cancelled: false }
        : i === 2
          ? { size: 70, states: () => (rand() < 0.9 ? 'returned' : 'completed'), cancelled: false }
          : { size: 2 + Math.floor(rand() * 8), states: finished ? doneState : anyState, cancelled: rand() < 0.08 };
    const row = addOrder(i, null, spec);
    // One in ten if forwarded: a sub-order to a few more people, rolled up on the parent's board.
    if (rand() < 0.1) addOrder(i, row, { size: 1 + Math.floor(rand() * 5), states: anyState, cancelled: false });
    orderIds.push(row.id);
  }

  await db.transaction().execute(async (trx) => {
    const insert = async <T extends 'orders' | 'order_recipients' | 'order_events'>(
      table: T,
      rows: Insertable<Database[T]>[],
    ) => {
      for (let i = 0; i < rows.length; i += CHUNK)
        await trx
          .insertInto(table)
          .values(rows.slice(i, i + CHUNK) as never)
          .execute();
    };
    await insert('orders', orders);
    await insert('order_recipients', recipients);
    await insert('order_events', events);
  });
  // Statistics as a running server's autovacuum keeps them: tables loaded in bulk have none yet,
  // and PostgreSQL would plan the lists' filters for empty tables (a nested loop over every order).
  if (db.getExecutor().adapter instanceof PostgresAdapter)
    for (const table of ['orders', 'order_recipients', 'order_events'])
      await sql`analyze ${sql.table(table)}`.execute(db);
  return { scopePath: station.path, now, orderIds };
}
