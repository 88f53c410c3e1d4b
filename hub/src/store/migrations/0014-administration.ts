import type { Kysely } from 'kysely';

/**
 * Going live (issue #14): the first administrator, temporary passwords, the unit tree's life
 * cycle, residents' review, the devices behind sessions and a searchable audit log.
 * - users: a temporary password must be changed at next log-in and expires; a removed resident
 *   keeps their row (messages still point at it) with personal data erased.
 * - units: retired instead of deleted (orders, reports and history keep pointing at them).
 * - groups: archived with their unit.
 * - sessions: what the owner sees of each device (user agent, address).
 * - setup_secrets (account/setup.service.ts): one-time set-up links, only their SHA-256 kept.
 * - resident_reviews (admin/resident-admin.service.ts): approvals and rejections with reasons.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('password_change_required', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('users').addColumn('password_expires_at', 'bigint').execute();
  await db.schema.alterTable('users').addColumn('deleted_at', 'bigint').execute();
  await db.schema.alterTable('units').addColumn('retired_at', 'bigint').execute();
  await db.schema.alterTable('groups').addColumn('archived_at', 'bigint').execute();
  await db.schema.alterTable('sessions').addColumn('user_agent', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('address', 'text').execute();

  await db.schema
    .createTable('setup_secrets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();

  await db.schema
    .createTable('resident_reviews')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('reviewed_by', 'text', (c) => c.references('users.id'))
    .addColumn('reviewed_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema.createIndex('audit_log_actor_idx').on('audit_log').columns(['actor_id', 'at']).execute();
  await db.schema.createIndex('audit_log_action_idx').on('audit_log').columns(['action', 'at']).execute();
  await db.schema.createIndex('users_role_idx').on('users').columns(['role', 'disabled_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('users_role_idx').execute();
  await db.schema.dropIndex('audit_log_action_idx').execute();
  await db.schema.dropIndex('audit_log_actor_idx').execute();
  await db.schema.dropTable('resident_reviews').execute();
  await db.schema.dropTable('setup_secrets').execute();
  for (const [table, column] of [
    ['sessions', 'address'],
    ['sessions', 'user_agent'],
    ['groups', 'archived_at'],
    ['units', 'retired_at'],
    ['users', 'deleted_at'],
    ['users', 'password_expires_at'],
    ['users', 'password_change_required'],
  ] as const)
    await db.schema.alterTable(table).dropColumn(column).execute();
}
