import type { Migration, MigrationProvider } from 'kysely';
import * as foundation from './0001-foundation.ts';

/** Migrations in order; the same set runs on SQLite and PostgreSQL. */
const migrations: Record<string, Migration> = {
  '0001-foundation': foundation,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
