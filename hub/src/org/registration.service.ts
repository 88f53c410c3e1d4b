import type { Kysely } from 'kysely';
import { writeAudit } from '../audit/audit-log.ts';
import { hashPassword } from '../auth/password.ts';
import { errors } from '../errors.ts';
import { newId } from '../ids.ts';
import type { RegisterBody, RegistrationOptions } from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import { stationByCode, unitById, unitsWithin } from './org-queries.ts';

/**
 * Residents sign themselves up for a grid of a station (from the station's link or QR code,
 * `/h/<station code>`); they join the grid's group once a staff member approves them.
 */
export function createRegistrationService(deps: {
  db: Kysely<Database>;
  requestJoin: (gridUnitId: string, userId: string) => Promise<void>;
  now?: () => number;
}) {
  const { db } = deps;
  const now = deps.now ?? Date.now;

  async function station(code: string) {
    const s = await stationByCode(db, code);
    if (!s) throw errors.notFound('station');
    return s;
  }

  return {
    /** The communities and grids of a station, for the sign-up form. */
    async options(code: string): Promise<RegistrationOptions> {
      const s = await station(code);
      const units = await unitsWithin(db, s.path, ['community', 'grid'], { activeOnly: true });
      return {
        ok: true,
        station: { code: s.code, name: s.name },
        communities: units
          .filter((u) => u.kind === 'community')
          .map((c) => ({
            id: c.id,
            name: c.name,
            grids: units
              .filter((g) => g.kind === 'grid' && g.parent_id === c.id)
              .map((g) => ({ id: g.id, name: g.name })),
          })),
      };
    },

    /**
     * Creates the resident and asks to join their grid's group. A number already registered
     * changes nothing and looks the same to the caller: no error, and the password is hashed
     * either way so the time taken does not tell either.
     */
    async register(body: RegisterBody, meta: { ip?: string | undefined }): Promise<void> {
      const s = await station(body.stationCode);
      const grid = await unitById(db, body.gridId);
      if (!grid || grid.kind !== 'grid' || !grid.path.startsWith(s.path) || grid.retired_at !== null)
        throw errors.notFound('grid');
      const passwordHash = await hashPassword(body.password);
      const taken = async () =>
        (await db.selectFrom('users').select('id').where('login', '=', body.phone).executeTakeFirst()) !== undefined;
      const audit = (action: string, actorId: string | null) =>
        writeAudit(db, { actorId, action, targetType: 'unit', targetId: grid.id, detail: { ip: meta.ip ?? null } });
      if (await taken()) return audit('resident.register_taken', null);
      const id = newId();
      const t = now();
      try {
        await db
          .insertInto('users')
          .values({
            id,
            login: body.phone,
            name: body.name,
            display_name: body.name,
            role: 'resident',
            rank: null,
            unit_id: grid.id,
            phone: body.phone,
            password_hash: passwordHash,
            disabled_at: null,
            created_at: t,
            updated_at: t,
          })
          .execute();
      } catch (err) {
        // The same phone raced in twice: the unique login decides, and the loser looks the same.
        if (await taken()) return audit('resident.register_taken', null);
        throw err;
      }
      await deps.requestJoin(grid.id, id);
      await audit('resident.register', id);
    },
  };
}
export type RegistrationService = ReturnType<typeof createRegistrationService>;
