import type { Kysely } from 'kysely';

/**
 * Web Push and the escalation ladder: the VAPID key pair, device subscriptions (per person and
 * session, gone with the session), per-person push settings, the outbox of pushes and webhook
 * calls (claimed with a lease), per-station escalation policies and the ladder's steps (one row
 * per order, recipient and step: its primary key is what makes a step happen once across nodes).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('push_vapid')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('private_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('push_subscriptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id').onDelete('cascade'))
    .addColumn('endpoint', 'text', (c) => c.notNull().unique())
    .addColumn('p256dh', 'text', (c) => c.notNull())
    .addColumn('auth', 'text', (c) => c.notNull())
    .addColumn('visible_until', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('push_subscriptions_user_idx').on('push_subscriptions').column('user_id').execute();
  await db.schema.createIndex('push_subscriptions_session_idx').on('push_subscriptions').column('session_id').execute();

  await db.schema
    .createTable('push_settings')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id'))
    .addColumn('kinds', 'text', (c) => c.notNull())
    .addColumn('quiet_from', 'text')
    .addColumn('quiet_to', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('notify_outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('dedupe', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('notify_outbox_once_uq', ['channel', 'target', 'dedupe'])
    .execute();
  await db.schema.createIndex('notify_outbox_due_idx').on('notify_outbox').column('due_at').execute();

  await db.schema
    .createTable('escalation_policies')
    .addColumn('station_id', 'text', (c) => c.primaryKey().references('units.id'))
    .addColumn('webhook_url', 'text')
    .addColumn('webhook_secret', 'text')
    .addColumn('webhook_after_minutes', 'integer')
    .addColumn('head_after_minutes', 'integer')
    .addColumn('updated_by', 'text', (c) => c.references('users.id'))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('ladder_steps')
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('step', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('ladder_steps_pk', ['order_id', 'user_id', 'step'])
    .execute();
  await db.schema.createIndex('ladder_steps_due_idx').on('ladder_steps').columns(['step', 'at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'ladder_steps',
    'escalation_policies',
    'notify_outbox',
    'push_settings',
    'push_subscriptions',
    'push_vapid',
  ])
    await db.schema.dropTable(t).execute();
}
