import type { Kysely } from 'kysely';
import { writeAudit } from '../audit/audit-log.ts';
import { hashPassword } from '../auth/password.ts';
import { hashSecret, randomString } from '../auth/token.ts';
import { errors } from '../errors.ts';
import { newId } from '../ids.ts';
import { personRow } from './person-row.ts';
import { isUniqueViolation } from '../store/unique-violation.ts';
import type { Database } from '../store/schema.ts';
import { assertPasswordAllowed } from './password-policy.ts';

type Db = Kysely<Database>;

/** The top unit a first administrator belongs to when the store has none yet (renamed on the units page). */
const FIRST_UNIT = { name: '公安局', code: 'ROOT' };

export interface FirstAdmin {
  login: string;
  name: string;
  password: string;
}

/** True while no active administrator exists: the store needs its first one. */
export async function setupNeeded(db: Db): Promise<boolean> {
  const admin = await db
    .selectFrom('users')
    .select('id')
    .where('role', '=', 'admin')
    .where('disabled_at', 'is', null)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return admin === undefined;
}

/**
 * Creates an administrator inside `trx`: in the first top unit, or in a new one when the store has
 * no units. Every set-up secret still unused is spent in the same transaction.
 */
async function insertAdmin(trx: Db, who: FirstAdmin, passwordHash: string, at: number): Promise<string> {
  let top = await trx
    .selectFrom('units')
    .select('id')
    .where('parent_id', 'is', null)
    .where('retired_at', 'is', null)
    .orderBy('sort')
    .executeTakeFirst();
  if (!top) {
    const id = newId();
    await trx
      .insertInto('units')
      .values({ id, parent_id: null, kind: 'city', ...FIRST_UNIT, path: `/${id}/`, sort: 0, created_at: at })
      .execute();
    top = { id };
  }
  const row = personRow(
    { login: who.login, name: who.name, role: 'admin', unitId: top.id },
    { password_hash: passwordHash, password_change_required: 0, password_expires_at: null },
    at,
  );
  await trx.insertInto('users').values(row).execute();
  await trx.updateTable('setup_secrets').set({ used_at: at }).where('used_at', 'is', null).execute();
  return row.id;
}

/**
 * The first administrator of a production store. At start, a node that finds no administrator
 * issues a one-time secret (printed once as `<origin>/setup#<secret>`; only its SHA-256 is kept).
 * POST /api/setup spends it: claiming every unused secret in one statement serialises racing
 * set-ups, so exactly one administrator is made. The CLI (`pnpm hub:admin create`) needs no secret.
 */
export function createSetupService(deps: { db: Db; now?: () => number }) {
  const { db } = deps;
  const now = deps.now ?? Date.now;

  return {
    needed: () => setupNeeded(db),

    /** A new secret when set-up is needed (every start until then), else undefined. */
    async issueSecret(): Promise<string | undefined> {
      if (!(await setupNeeded(db))) return undefined;
      const secret = randomString(32);
      await db
        .insertInto('setup_secrets')
        .values({ id: newId(), secret_hash: hashSecret(secret), created_at: now(), used_at: null })
        .execute();
      return secret;
    },

    /** Spends the secret and creates the first administrator; returns their id. */
    async complete(secret: string, who: FirstAdmin, meta: { ip?: string | undefined }): Promise<string> {
      if (!(await setupNeeded(db))) throw errors.setupDone();
      assertPasswordAllowed(who.password, who.login, 'password');
      const passwordHash = await hashPassword(who.password);
      const wanted = hashSecret(secret);
      const at = now();
      let id: string;
      try {
        id = await db.transaction().execute(async (trx) => {
          // One statement claims every unused secret: a racing set-up waits on these rows, then finds none.
          const claimed = await trx
            .updateTable('setup_secrets')
            .set({ used_at: at })
            .where('used_at', 'is', null)
            .returning('secret_hash')
            .execute();
          if (!claimed.some((c) => c.secret_hash === wanted)) throw errors.setupSecretInvalid();
          if (!(await setupNeeded(trx))) throw errors.setupDone();
          return insertAdmin(trx, who, passwordHash, at);
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw errors.loginTaken(who.login);
        throw err;
      }
      await writeAudit(db, {
        actorId: id,
        action: 'setup.first_admin',
        targetType: 'user',
        targetId: id,
        detail: { after: { login: who.login, name: who.name, role: 'admin' }, ip: meta.ip ?? null },
      });
      return id;
    },

    /** The CLI's way in (whoever runs it holds the server): an administrator, even when others exist. */
    async createAdmin(who: FirstAdmin): Promise<string> {
      assertPasswordAllowed(who.password, who.login, 'password');
      const passwordHash = await hashPassword(who.password);
      const at = now();
      let id: string;
      try {
        id = await db.transaction().execute(async (trx) => {
          const taken = await trx.selectFrom('users').select('id').where('login', '=', who.login).executeTakeFirst();
          if (taken) throw errors.loginTaken(who.login);
          return insertAdmin(trx, who, passwordHash, at);
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw errors.loginTaken(who.login);
        throw err;
      }
      await writeAudit(db, {
        actorId: null,
        action: 'setup.cli_admin',
        targetType: 'user',
        targetId: id,
        detail: { after: { login: who.login, name: who.name, role: 'admin' } },
      });
      return id;
    },
  };
}
export type SetupService = ReturnType<typeof createSetupService>;
