import type { Kysely, Selectable } from 'kysely';
import { can, type Actor } from '../auth/permissions.ts';
import { errors } from '../errors.ts';
import { personById, stationOf as stationOfUnit, unitById } from '../org/org-queries.ts';
import { preparedQuery } from '../store/prepared-query.ts';
import type { Database, HotlineThreadTable } from '../store/schema.ts';

export type ThreadRow = Selectable<HotlineThreadTable>;

/** How the caller stands to a thread: its resident, or staff (a handler of its station, or its assignee). */
export interface ThreadAccess {
  row: ThreadRow;
  as: 'resident' | 'staff';
  /** The head or a delegate of the thread's station (may assign, manage canned replies). */
  handler: boolean;
}

/**
 * Who may see which hotline threads. A resident sees only their own; staff only the threads of
 * the stations whose hotline they handle, or a thread assigned to them. Anything else is
 * not_found, so a guessed or forged id reveals nothing.
 */
export function createHotlineAccess(db: Kysely<Database>) {
  const stationOf = (unitId: string) => stationOfUnit(db, unitId);
  // Prepared once: every staff connect reads it to join the desk rooms.
  const delegatedTo = preparedQuery(db, ['userId'], (q, v) =>
    q.selectFrom('hotline_delegates').select('station_id').where('user_id', '=', v.userId),
  );

  /** Stations whose hotline the person handles: a station head's own, and those that delegated it to them. */
  async function handledStations(actor: Actor): Promise<string[]> {
    if (!can.handleHotline(actor.role)) return [];
    const out = new Set<string>();
    if (actor.role === 'station_head') {
      const s = await stationOf(actor.unitId);
      if (s) out.add(s.id);
    }
    for (const d of (await delegatedTo(db, { userId: actor.id })).rows) out.add(d.station_id);
    return [...out];
  }

  return {
    stationOf,
    handledStations,

    /** Whether this person works the station's desk (its head, or a delegate). */
    async handles(userId: string, stationId: string): Promise<boolean> {
      const u = await personById(db, userId);
      return (
        u !== undefined && (await handledStations({ id: u.id, role: u.role, unitId: u.unit_id })).includes(stationId)
      );
    },

    /** The thread, if the caller may see it at all. */
    async thread(actor: Actor, threadId: string): Promise<ThreadAccess> {
      const row = await db.selectFrom('hotline_threads').selectAll().where('id', '=', threadId).executeTakeFirst();
      if (!row) throw errors.notFound('thread');
      if (actor.role === 'resident') {
        if (row.resident_id !== actor.id) throw errors.notFound('thread');
        return { row, as: 'resident', handler: false };
      }
      const handler = (await handledStations(actor)).includes(row.station_id);
      if (!handler && row.assignee_id !== actor.id) throw errors.notFound('thread');
      return { row, as: 'staff', handler };
    },

    /** The thread, for staff only (residents and strangers: not_found). */
    async staffThread(actor: Actor, threadId: string): Promise<ThreadAccess> {
      const a = await this.thread(actor, threadId);
      if (a.as !== 'staff') throw errors.notFound('thread');
      return a;
    },

    /** Staff of a station who may take a thread (assignees, delegates): sworn and auxiliary staff within it. */
    async staffOfStation(
      stationId: string,
      userId: string,
    ): Promise<{ id: string; name: string; role: string } | undefined> {
      const station = await unitById(db, stationId);
      if (!station) return undefined;
      const u = await personById(db, userId);
      if (!u || u.disabled_at !== null || !u.unit_path.startsWith(station.path)) return undefined;
      return can.takeHotlineThread(u.role) ? { id: u.id, name: u.name, role: u.role } : undefined;
    },
  };
}
export type HotlineAccess = ReturnType<typeof createHotlineAccess>;
