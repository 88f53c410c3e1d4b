import type { Kysely } from 'kysely';

/** Command orders, their recipients and timelines, incidents, duty status and the change counter. */
export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per named counter; `update … returning` hands out gap-free, commit-ordered values on both dialects.
  await db.schema
    .createTable('counters')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'bigint', (c) => c.notNull())
    .execute();
  await db
    .insertInto('counters' as never)
    .values({ name: 'order_rev', value: 0 } as never)
    .execute();

  await db.schema
    .createTable('incidents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('station_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('reported_at', 'bigint', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('place', 'text', (c) => c.notNull())
    .addColumn('caller', 'text')
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('incidents_client_uq', ['created_by', 'client_id'])
    .execute();
  await db.schema.createIndex('incidents_station_idx').on('incidents').columns(['station_id', 'reported_at']).execute();

  await db.schema
    .createTable('orders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('issuer_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('scope_unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('parent_order_id', 'text', (c) => c.references('orders.id'))
    .addColumn('incident_id', 'text', (c) => c.references('incidents.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('targets', 'text', (c) => c.notNull())
    .addColumn('ack_due_at', 'bigint', (c) => c.notNull())
    .addColumn('complete_due_at', 'bigint', (c) => c.notNull())
    .addColumn('cancel_reason', 'text')
    .addColumn('rev', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('orders_client_uq', ['issuer_id', 'client_id'])
    .execute();
  await db.schema.createIndex('orders_issuer_idx').on('orders').columns(['issuer_id', 'rev']).execute();
  await db.schema.createIndex('orders_parent_idx').on('orders').column('parent_order_id').execute();

  await db.schema
    .createTable('order_recipients')
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('delivered_at', 'bigint')
    .addColumn('read_at', 'bigint')
    .addColumn('acknowledged_at', 'bigint')
    .addColumn('completed_at', 'bigint')
    .addColumn('returned_at', 'bigint')
    .addColumn('feedback', 'text')
    .addColumn('ack_reminders', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('complete_reminders', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_chase_at', 'bigint')
    .addColumn('escalated_at', 'bigint')
    .addColumn('rev', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('order_recipients_pk', ['order_id', 'user_id'])
    .execute();
  await db.schema.createIndex('order_recipients_user_idx').on('order_recipients').columns(['user_id', 'rev']).execute();
  await db.schema.createIndex('order_recipients_chase_idx').on('order_recipients').column('next_chase_at').execute();

  await db.schema
    .createTable('order_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('subject_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text')
    .addColumn('text', 'text')
    .execute();
  await db.schema.createIndex('order_events_order_idx').on('order_events').columns(['order_id', 'id']).execute();
  await db.schema
    .createIndex('order_events_client_uq')
    .on('order_events')
    .columns(['actor_id', 'client_id'])
    .unique()
    .execute();

  await db.schema
    .createTable('duty_status')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id'))
    .addColumn('on_duty', 'integer', (c) => c.notNull())
    .addColumn('changed_at', 'bigint', (c) => c.notNull())
    .execute();
}
