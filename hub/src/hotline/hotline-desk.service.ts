import { can, type Actor } from '../auth/permissions.ts';
import { setMemberStatus } from '../conversations/conversation-members.ts';
import { errors } from '../errors.ts';
import { newId } from '../ids.ts';
import type {
  HotlineCannedSavePayload,
  HotlineCannedView,
  HotlineNotePayload,
  HotlineNoteView,
  HotlinePerson,
} from '../protocol/index.ts';
import type { HotlineContext } from './hotline-context.ts';

/**
 * The desk's own tools: internal notes (their own table, sent only to staff, never through the
 * message pipeline), the station's canned replies, and who the head delegates the desk to.
 */
export function createHotlineDesk(ctx: HotlineContext) {
  const { db, now, access, views } = ctx;

  const noteSelect = () =>
    db
      .selectFrom('hotline_notes as n')
      .innerJoin('users as u', 'u.id', 'n.author_id')
      .select([
        'n.id',
        'n.thread_id',
        'n.client_id',
        'n.text',
        'n.created_at',
        'u.id as u_id',
        'u.name as u_name',
        'u.role as u_role',
      ]);
  type NoteRow = Awaited<ReturnType<ReturnType<typeof noteSelect>['executeTakeFirstOrThrow']>>;
  const noteView = (r: NoteRow): HotlineNoteView => ({
    id: r.id,
    threadId: r.thread_id,
    author: { id: r.u_id, name: r.u_name, role: r.u_role },
    clientId: r.client_id,
    text: r.text,
    createdAt: r.created_at,
  });

  /** The station whose canned replies and delegates the caller manages: the first desk they work. */
  async function deskStation(actor: Actor): Promise<string> {
    const stations = await access.handledStations(actor);
    if (stations.length === 0) throw errors.forbidden('only the station head and the desk manage the hotline');
    return stations[0]!;
  }

  async function delegates(stationId: string): Promise<HotlinePerson[]> {
    return db
      .selectFrom('hotline_delegates as d')
      .innerJoin('users as u', 'u.id', 'd.user_id')
      .select(['u.id', 'u.name', 'u.role'])
      .where('d.station_id', '=', stationId)
      .orderBy('d.granted_at')
      .execute();
  }

  return {
    /** An internal note on a thread (staff only); a retried client id returns the first note. */
    async note(actor: Actor, p: HotlineNotePayload): Promise<{ note: HotlineNoteView; duplicate: boolean }> {
      await access.staffThread(actor, p.threadId);
      const earlier = await noteSelect()
        .where('n.author_id', '=', actor.id)
        .where('n.client_id', '=', p.clientId)
        .executeTakeFirst();
      if (earlier) {
        if (earlier.thread_id !== p.threadId) throw errors.conflict('this client id was used for another thread');
        return { note: noteView(earlier), duplicate: true };
      }
      const id = newId();
      try {
        await db
          .insertInto('hotline_notes')
          .values({
            id,
            thread_id: p.threadId,
            author_id: actor.id,
            client_id: p.clientId,
            text: p.text,
            created_at: now(),
          })
          .execute();
      } catch (err) {
        const won = await noteSelect()
          .where('n.author_id', '=', actor.id)
          .where('n.client_id', '=', p.clientId)
          .executeTakeFirst();
        if (won) return { note: noteView(won), duplicate: true };
        throw err;
      }
      const note = noteView(await noteSelect().where('n.id', '=', id).executeTakeFirstOrThrow());
      const v = await views.both(p.threadId);
      ctx.notify.noteAdded(note, { stationId: v.stationId, residentId: v.residentId, assigneeId: v.assigneeId });
      return { note, duplicate: false };
    },

    /** A thread's internal notes, oldest first (staff only). */
    async notes(actor: Actor, threadId: string): Promise<HotlineNoteView[]> {
      await access.staffThread(actor, threadId);
      return (await noteSelect().where('n.thread_id', '=', threadId).orderBy('n.id').execute()).map(noteView);
    },

    /**
     * The canned replies of the stations the caller handles (or of their assigned threads'
     * stations); `desks`: the stations handled, when the caller knows them (a socket's desk rooms).
     */
    async canned(actor: Actor, desks?: string[]): Promise<HotlineCannedView[]> {
      if (actor.role === 'resident' || actor.role === 'bot') throw errors.forbidden('canned replies are for staff');
      const stations = new Set(desks ?? (await access.handledStations(actor)));
      const assigned = await db
        .selectFrom('hotline_threads')
        .select('station_id')
        .where('assignee_id', '=', actor.id)
        .distinct()
        .execute();
      for (const a of assigned) stations.add(a.station_id);
      if (stations.size === 0) return [];
      const rows = await db
        .selectFrom('hotline_canned')
        .selectAll()
        .where('station_id', 'in', [...stations])
        .orderBy('title')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        stationId: r.station_id,
        title: r.title,
        text: r.text,
        updatedAt: r.updated_at,
      }));
    },

    /** Adds a canned reply to the caller's desk, or changes one of its own. */
    async saveCanned(actor: Actor, p: HotlineCannedSavePayload): Promise<HotlineCannedView> {
      const stations = await access.handledStations(actor);
      const t = now();
      if (p.id) {
        const row = await db
          .selectFrom('hotline_canned')
          .select(['id', 'station_id'])
          .where('id', '=', p.id)
          .executeTakeFirst();
        if (!row || !stations.includes(row.station_id)) throw errors.notFound('canned reply');
        await db
          .updateTable('hotline_canned')
          .set({ title: p.title, text: p.text, updated_at: t })
          .where('id', '=', p.id)
          .execute();
        ctx.notify.cannedChanged(row.station_id);
        return { id: row.id, stationId: row.station_id, title: p.title, text: p.text, updatedAt: t };
      }
      const stationId = await deskStation(actor);
      const id = newId();
      await db
        .insertInto('hotline_canned')
        .values({ id, station_id: stationId, title: p.title, text: p.text, created_by: actor.id, updated_at: t })
        .execute();
      ctx.notify.cannedChanged(stationId);
      return { id, stationId, title: p.title, text: p.text, updatedAt: t };
    },

    async deleteCanned(actor: Actor, id: string): Promise<{ deleted: boolean }> {
      const stations = await access.handledStations(actor);
      const row = await db
        .selectFrom('hotline_canned')
        .select(['id', 'station_id'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row || !stations.includes(row.station_id)) throw errors.notFound('canned reply');
      await db.deleteFrom('hotline_canned').where('id', '=', id).execute();
      ctx.notify.cannedChanged(row.station_id);
      return { deleted: true };
    },

    /** Who handles the head's station desk besides the head. */
    async delegates(actor: Actor): Promise<HotlinePerson[]> {
      if (!can.delegateHotline(actor.role)) throw errors.forbidden('only the station head chooses the hotline desk');
      return delegates(await deskStation(actor));
    },

    /** The head adds or removes a member of the desk (sworn staff of the station). */
    async delegate(actor: Actor, userId: string, enabled: boolean): Promise<HotlinePerson[]> {
      if (!can.delegateHotline(actor.role)) throw errors.forbidden('only the station head chooses the hotline desk');
      const stationId = await deskStation(actor);
      const person = await access.staffOfStation(stationId, userId);
      if (!person || !can.handleHotline(person.role as Actor['role']) || person.id === actor.id)
        throw errors.invalid('a delegate must be an officer or dispatcher of this station');
      if (enabled) {
        await db
          .insertInto('hotline_delegates')
          .values({ station_id: stationId, user_id: userId, granted_by: actor.id, granted_at: now() })
          .onConflict((oc) => oc.columns(['station_id', 'user_id']).doNothing())
          .execute();
      } else {
        await db
          .deleteFrom('hotline_delegates')
          .where('station_id', '=', stationId)
          .where('user_id', '=', userId)
          .execute();
        // They keep only the threads assigned to them; the rest (and their images) close to them.
        await setMemberStatus(
          db,
          db
            .selectFrom('hotline_threads')
            .select('id')
            .where('station_id', '=', stationId)
            .where((w) => w.or([w('assignee_id', 'is', null), w('assignee_id', '!=', userId)])),
          userId,
          'removed',
        );
      }
      ctx.notify.deskChanged(stationId, userId, enabled);
      return delegates(stationId);
    },
  };
}
