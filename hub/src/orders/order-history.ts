import type { Insertable, Transaction } from 'kysely';
import { insertInSlices } from '../store/bulk-insert.ts';
import type { Database, OrderEventTable, OrderRecipientTable, OrderTable } from '../store/schema.ts';
import { takeRev } from './order-revs.ts';

/** Past orders with their receipts and events, as the issuing and receipt services would have left them. */
export interface OrderHistoryRows {
  orders: Omit<Insertable<OrderTable>, 'rev'>[];
  recipients: Omit<Insertable<OrderRecipientTable>, 'rev'>[];
  events: Insertable<OrderEventTable>[];
}

/**
 * Writes a batch of past orders (the demo's month) in the caller's transaction, all under one order
 * revision taken here, so recipients' catch-up (`order:sync`) sees the batch at once.
 */
export async function insertOrderHistory(trx: Transaction<Database>, rows: OrderHistoryRows): Promise<void> {
  const rev = await takeRev(trx);
  await insertInSlices(
    trx,
    'orders',
    rows.orders.map((o) => ({ ...o, rev })),
  );
  await insertInSlices(
    trx,
    'order_recipients',
    rows.recipients.map((r) => ({ ...r, rev })),
  );
  await insertInSlices(trx, 'order_events', rows.events);
}
