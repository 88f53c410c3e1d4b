import { can, type Actor } from '../auth/permissions.ts';
import { errors } from '../errors.ts';
import {
  HOTLINE_CATEGORIES,
  HOTLINE_CONVERSATION_KIND,
  type HotlineCreatePayload,
  type HotlineInboxPayload,
  type HotlineSendPayload,
  type HotlineStationInfo,
  type HotlineThreadView,
  type MessageView,
  type SyncAnswer,
  TIME_WINDOWS,
} from '../protocol/index.ts';
import type { SyncRequest } from '../conversations/message-pipeline.ts';
import { stationByCode, stationHeads } from '../org/org-queries.ts';
import { createHotlineContext, type HotlineDeps } from './hotline-context.ts';
import { createHotlineDesk } from './hotline-desk.service.ts';
import { checkWindow } from '../time-window.ts';
import { hotlineFigures } from './hotline-figures.ts';
import { createHotlineHandling } from './hotline-handling.service.ts';
import { subjectOf } from './hotline-views.ts';

/**
 * The station-head hotline, transport-free. A thread is a conversation of the shared message
 * pipeline (gap-free seq, client ids, cursor sync) plus a hotline_threads row for what the desk
 * tracks: category, status, response target, assignee, hand-off, resolution, rating.
 */
export function createHotlineService(deps: HotlineDeps) {
  const ctx = createHotlineContext(deps);
  const { db, now, access, views, pipeline } = ctx;

  /**
   * Threads the person may read: a resident's own, or their desks' and those assigned to them.
   * `desks`: the stations whose desk they work, when the caller knows them (a socket's desk rooms).
   */
  async function visibleIds(actor: Actor, ids: string[], desks?: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    let q = db.selectFrom('hotline_threads').select('id').where('id', 'in', ids);
    if (actor.role === 'resident') q = q.where('resident_id', '=', actor.id);
    else {
      const stations = desks ?? (await access.handledStations(actor));
      q = q.where((eb) =>
        eb.or([eb('assignee_id', '=', actor.id), ...(stations.length ? [eb('station_id', 'in', stations)] : [])]),
      );
    }
    return new Set((await q.execute()).map((r) => r.id));
  }

  async function view(actor: Actor, threadId: string): Promise<HotlineThreadView> {
    const a = await access.thread(actor, threadId);
    // Staff opening a thread join its conversation (their read cursor, and image uploads).
    if (a.as === 'staff') await ctx.join(threadId, actor.id);
    const v = await views.both(a.row.id);
    return a.as === 'resident' ? v.resident : v.staff;
  }

  return {
    ...createHotlineHandling(ctx),
    ...createHotlineDesk(ctx),

    /** Figures for reports over threads created in [fromMs, toMs) at these stations. */
    figures: (stationIds: string[], fromMs: number, toMs: number) => hotlineFigures(db, stationIds, fromMs, toMs),

    /** The same, asked for by a client: the range must lie within the history window. */
    requestedFigures(stationIds: string[], fromMs: number, toMs: number) {
      checkWindow('from', fromMs, TIME_WINDOWS.history, now());
      checkWindow('to', toMs, TIME_WINDOWS.history, now());
      return hotlineFigures(db, stationIds, fromMs, toMs);
    },

    /** Stations whose desk this person works (the transport joins their rooms). */
    handledStations: (actor: Actor) => access.handledStations(actor),

    /** Public landing of `/h/<code>`: the station, its head's name and initials, the promised response time. */
    async stationInfo(code: string): Promise<HotlineStationInfo> {
      const s = await stationByCode(db, code);
      if (!s) throw errors.notFound('station');
      const [head] = await stationHeads(db, s.id);
      return {
        ok: true,
        station: { code: s.code, name: s.name },
        head: head ? { name: head.name, initials: [...head.name][0] ?? '' } : null,
        responseTargetMinutes: Math.round(ctx.responseTargetMs / 60_000),
        categories: HOTLINE_CATEGORIES,
      };
    },

    /**
     * A resident writes to the head of their own station. The thread, its conversation and the
     * opening message are stored before anyone is told; a retried client id returns the first thread.
     */
    async create(
      actor: Actor,
      p: HotlineCreatePayload,
    ): Promise<{ thread: HotlineThreadView; message: MessageView; duplicate: boolean }> {
      if (!can.openHotlineThread(actor.role)) throw errors.forbidden('only residents write to the station head');
      let station: { id: string } | undefined;
      let v: Awaited<ReturnType<typeof views.both>> | undefined;
      const out = await pipeline.open(actor, {
        clientId: p.clientId,
        text: p.text,
        kind: HOTLINE_CONVERSATION_KIND,
        name: 'hotline',
        opened: async () =>
          (
            await db
              .selectFrom('hotline_threads')
              .select('id')
              .where('resident_id', '=', actor.id)
              .where('client_id', '=', p.clientId)
              .executeTakeFirst()
          )?.id,
        admit: async () => {
          station = await access.stationOf(actor.unitId);
          if (!station) throw errors.notFound('station');
        },
        alongside: async (trx, id, t) => {
          await trx
            .insertInto('hotline_threads')
            .values({
              id,
              station_id: station!.id,
              resident_id: actor.id,
              client_id: p.clientId,
              category: p.category,
              status: 'open',
              subject: subjectOf(p.text),
              place: p.place ?? null,
              created_at: t,
              due_at: t + ctx.responseTargetMs,
              first_answered_at: null,
              assignee_id: null,
              handoff_department: null,
              handoff_reason: null,
              handoff_at: null,
              handoff_by: null,
              resolution_summary: null,
              resolved_at: null,
              resolved_by: null,
              rating_score: null,
              rating_comment: null,
              rated_at: null,
              overdue_flagged_at: null,
              staff_read_seq: 0,
              staff_read_at: null,
              follow_up_at: null,
              follow_up_note: null,
              follow_up_done_at: null,
              updated_at: t,
            })
            .execute();
        },
        // A retry is announced again: the first attempt's node may have died before announcing it.
        announce: async (message) => {
          v = await views.both(message.groupId);
          const to = { stationId: v.stationId, residentId: v.residentId, assigneeId: v.assigneeId };
          deps.notify.message(message, to);
          deps.notify.threadChanged(v, to, 'created');
        },
      });
      v ??= await views.both(out.conversationId);
      return { thread: v.resident, message: out.message, duplicate: out.duplicate };
    },

    /** A message in a thread: the resident's follow-up, or a reply from staff (an answer). */
    async send(actor: Actor, p: HotlineSendPayload): Promise<{ message: MessageView; duplicate: boolean }> {
      const a = await access.thread(actor, p.threadId);
      return ctx.post(actor, p.threadId, p, {
        admit: async () => {
          if (a.as === 'resident' && a.row.status === 'resolved')
            throw errors.conflict('the thread is resolved; reopen it to write again');
        },
      });
    },

    /** A resident's own threads, latest activity first. */
    async mine(actor: Actor): Promise<HotlineThreadView[]> {
      if (actor.role !== 'resident')
        throw errors.forbidden('the hotline inbox is for staff; residents list their own threads');
      const rows = await views
        .select()
        .where('t.resident_id', '=', actor.id)
        .orderBy('t.updated_at', 'desc')
        .limit(200)
        .execute();
      return views.many(rows, 'resident');
    },

    /** Stations whose desk the caller works (head or delegate): only there may they assign and manage canned replies. */
    deskStations: (actor: Actor): Promise<string[]> => access.handledStations(actor),

    /**
     * The desk's inbox: threads of the stations the caller handles, and those assigned to them.
     * `desks`: those stations, when the caller knows them (a socket's desk rooms).
     */
    async inbox(actor: Actor, p: Partial<HotlineInboxPayload>, desks?: string[]): Promise<HotlineThreadView[]> {
      if (actor.role === 'resident' || actor.role === 'bot') throw errors.forbidden('the hotline inbox is for staff');
      const stations = desks ?? (await access.handledStations(actor));
      let q = views
        .select()
        .where((eb) =>
          eb.or([eb('t.assignee_id', '=', actor.id), ...(stations.length ? [eb('t.station_id', 'in', stations)] : [])]),
        );
      const filter = p.filter ?? 'all';
      if (filter === 'unanswered') q = q.where('t.first_answered_at', 'is', null).where('t.status', '!=', 'resolved');
      if (filter === 'mine') q = q.where('t.assignee_id', '=', actor.id);
      if (filter === 'overdue')
        q = q
          .where('t.first_answered_at', 'is', null)
          .where('t.status', '!=', 'resolved')
          .where('t.due_at', '<=', now());
      if (p.category) q = q.where('t.category', '=', p.category);
      if (p.status) q = q.where('t.status', '=', p.status);
      if (p.before) q = q.where('t.id', '<', p.before);
      const rows = await q
        .orderBy('t.id', 'desc')
        .limit(p.limit ?? 50)
        .execute();
      return views.many(rows, 'staff');
    },

    /** One thread as the caller may see it. */
    thread: view,

    /**
     * Catch-up after (re)connecting: messages after each cursor, edits after each change cursor;
     * the caller's threads only (`desks` as for the inbox).
     */
    async sync(actor: Actor, req: SyncRequest, desks?: string[]): Promise<SyncAnswer> {
      return pipeline.sync(await visibleIds(actor, Object.keys(req.cursors), desks), req);
    },

    /** Older messages of a thread. */
    async history(actor: Actor, threadId: string, beforeSeq: number | undefined, limit = 50): Promise<MessageView[]> {
      const a = await access.thread(actor, threadId);
      if (a.as === 'staff') await ctx.join(threadId, actor.id);
      return pipeline.history(threadId, beforeSeq, limit);
    },

    /** The caller has read up to seq. Staff reading moves the desk's cursor, which the resident sees (已读). */
    async read(actor: Actor, threadId: string, seq: number): Promise<{ readSeq: number }> {
      const a = await access.thread(actor, threadId);
      if (a.as === 'resident') return { readSeq: (await pipeline.markRead(threadId, actor.id, seq)).readSeq };
      await ctx.join(threadId, actor.id);
      const { upTo } = await pipeline.markRead(threadId, actor.id, seq);
      const moved = await db
        .updateTable('hotline_threads')
        .set({ staff_read_seq: upTo, staff_read_at: now() })
        .where('id', '=', threadId)
        .where('staff_read_seq', '<', upTo)
        .executeTakeFirst();
      if (Number(moved.numUpdatedRows) > 0) await ctx.publish(threadId, 'read');
      return { readSeq: Math.max(upTo, a.row.staff_read_seq) };
    },
  };
}
export type HotlineService = ReturnType<typeof createHotlineService>;
