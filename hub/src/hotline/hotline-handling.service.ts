import type { Kysely, Updateable } from 'kysely';
import type { Actor } from '../auth/permissions.ts';
import { errors } from '../errors.ts';
import {
  HOTLINE_REOPEN_WINDOW_MS,
  type HotlineAssignable,
  type HotlineChange,
  type HotlineFollowUpPayload,
  type HotlineHandOffPayload,
  type HotlineRatePayload,
  type HotlineReopenPayload,
  type HotlineResolvePayload,
  type HotlineThreadView,
  type MessageView,
  TIME_WINDOWS,
} from '../protocol/index.ts';
import type { Database, HotlineThreadTable } from '../store/schema.ts';
import { checkWindow } from '../time-window.ts';
import { activePeople, unitById } from '../org/org-queries.ts';
import type { HotlineContext } from './hotline-context.ts';

const ASSIGNABLE_LIMIT = 500;

/**
 * A step's status change, in the transaction of its message (`repair` false). With `repair` it runs
 * again on a retried client id: it then applies only where the step never took effect and nothing
 * has moved the thread since — the state an older hub left when it crashed between the two writes.
 */
type Settle = (exec: Kysely<Database>, message: MessageView, repair: boolean) => Promise<unknown>;

/**
 * What the desk does with a thread — assign, hand off to another department, resolve, schedule a
 * follow-up visit — and what the resident does once it is resolved: rate once, or reopen within
 * seven days. Each step that the resident must hear about is also a message in the thread, so a
 * resident who was offline finds it on return.
 */
export function createHotlineHandling(ctx: HotlineContext) {
  const { db, now, access, views } = ctx;

  /** Staff may act; a thread closed for good may not change. */
  async function staffOpen(actor: Actor, threadId: string) {
    const a = await access.staffThread(actor, threadId);
    if (a.row.status === 'resolved') throw errors.conflict('the thread is resolved');
    return a;
  }

  /**
   * A step that posts a message and moves the thread's status: both in one transaction. A retried
   * client id answers with the first outcome, completed by `settle` if it was left half done, and
   * announces the message and the thread again (the first try may have died before it did).
   */
  async function step(
    actor: Actor,
    s: { threadId: string; clientId: string; text: string; as: 'resident' | 'staff'; change: HotlineChange },
    check: () => Promise<unknown>,
    settle: Settle,
  ): Promise<{ thread: HotlineThreadView; message: MessageView }> {
    const { message, duplicate } = await ctx.post(
      actor,
      s.threadId,
      { clientId: s.clientId, text: s.text },
      { admit: () => check().then(() => {}), alongside: (trx, m) => settle(trx, m, false).then(() => {}) },
    );
    if (duplicate) await settle(db, message, true);
    const v = await ctx.publish(s.threadId, s.change);
    return { thread: s.as === 'resident' ? v.resident : v.staff, message };
  }

  /**
   * A step of the desk on an open thread that stamps it (`stamp`) at its message's time. A repair
   * applies only where the thread is not resolved and that stamp is older than the message.
   */
  function deskStep(
    actor: Actor,
    s: { threadId: string; clientId: string; text: string; change: HotlineChange },
    stamp: 'handoff_at' | 'resolved_at',
    fields: (at: number) => Updateable<HotlineThreadTable>,
  ): Promise<{ thread: HotlineThreadView; message: MessageView }> {
    return step(
      actor,
      { ...s, as: 'staff' },
      () => staffOpen(actor, s.threadId),
      (exec, m, repair) => {
        const at = m.createdAt;
        let q = exec
          .updateTable('hotline_threads')
          .set({ ...fields(at), updated_at: repair ? now() : at })
          .where('id', '=', s.threadId);
        if (repair)
          q = q.where('status', '!=', 'resolved').where((eb) => eb.or([eb(stamp, 'is', null), eb(stamp, '<', at)]));
        return q.execute();
      },
    );
  }

  return {
    /** Hand the thread to an officer of the station (head and delegates only). */
    async assign(actor: Actor, threadId: string, assigneeId: string): Promise<HotlineThreadView> {
      const a = await staffOpen(actor, threadId);
      if (!a.handler) throw errors.forbidden('only the station head and the desk assign threads');
      const assignee = await access.staffOfStation(a.row.station_id, assigneeId);
      if (!assignee) throw errors.invalid('the assignee must be staff of this station');
      await db
        .updateTable('hotline_threads')
        .set({
          assignee_id: assignee.id,
          status: a.row.status === 'open' ? 'in_progress' : a.row.status,
          updated_at: now(),
        })
        .where('id', '=', threadId)
        .execute();
      await ctx.join(threadId, assignee.id);
      // The previous assignee, unless they work the desk, no longer sees the thread (nor its images).
      const previous = a.row.assignee_id;
      if (previous && previous !== assignee.id && !(await access.handles(previous, a.row.station_id))) {
        await ctx.leave(threadId, previous);
      }
      return (await ctx.publish(threadId, 'assigned')).staff;
    },

    /** 一报警三分发: not police business — passed to a department; the resident is told why in the thread. */
    handOff(actor: Actor, p: HotlineHandOffPayload): Promise<{ thread: HotlineThreadView; message: MessageView }> {
      const text = `已转交${p.department}处理。${p.reason}`;
      return deskStep(actor, { ...p, text, change: 'handed_off' }, 'handoff_at', (at) => ({
        status: 'handed_off',
        handoff_department: p.department,
        handoff_reason: p.reason,
        handoff_at: at,
        handoff_by: actor.id,
      }));
    },

    /** Closes the thread; the summary reaches the resident as a message. */
    resolve(actor: Actor, p: HotlineResolvePayload): Promise<{ thread: HotlineThreadView; message: MessageView }> {
      return deskStep(actor, { ...p, text: p.summary, change: 'resolved' }, 'resolved_at', (at) => ({
        status: 'resolved',
        resolution_summary: p.summary,
        resolved_at: at,
        resolved_by: actor.id,
      }));
    },

    /** The resident rates a resolved thread, once. */
    async rate(actor: Actor, p: HotlineRatePayload): Promise<HotlineThreadView> {
      const a = await access.thread(actor, p.threadId);
      if (a.as !== 'resident') throw errors.forbidden('only the resident who wrote may rate the answer');
      if (a.row.status !== 'resolved') throw errors.conflict('a thread can be rated once it is resolved');
      const t = now();
      const r = await db
        .updateTable('hotline_threads')
        .set({ rating_score: p.score, rating_comment: p.comment || null, rated_at: t, updated_at: t })
        .where('id', '=', p.threadId)
        .where('rating_score', 'is', null)
        .where('status', '=', 'resolved')
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) throw errors.conflict('this thread has already been rated');
      return (await ctx.publish(p.threadId, 'rated')).resident;
    },

    /** The resident reopens a resolved thread within seven days; the reason is a message to the desk. */
    reopen(actor: Actor, p: HotlineReopenPayload): Promise<{ thread: HotlineThreadView; message: MessageView }> {
      const check = async () => {
        const a = await access.thread(actor, p.threadId);
        if (a.as !== 'resident') throw errors.forbidden('only the resident who wrote may reopen the thread');
        if (a.row.status !== 'resolved' || a.row.resolved_at === null)
          throw errors.conflict('only a resolved thread can be reopened');
        if (now() > a.row.resolved_at + HOTLINE_REOPEN_WINDOW_MS)
          throw errors.conflict('a thread can be reopened within 7 days of its resolution');
      };
      return step(actor, { ...p, text: p.reason, as: 'resident', change: 'reopened' }, check, (exec, m, repair) => {
        let q = exec
          .updateTable('hotline_threads')
          .set({ status: 'in_progress', updated_at: repair ? now() : m.createdAt })
          .where('id', '=', p.threadId)
          .where('status', '=', 'resolved');
        // Resolved again after this reopen: the retry must not undo that.
        if (repair) q = q.where('resolved_at', '<', m.createdAt);
        return q.execute();
      });
    },

    /** Schedule a follow-up visit (回访), or record it done. */
    async followUp(actor: Actor, p: HotlineFollowUpPayload): Promise<HotlineThreadView> {
      const a = await access.staffThread(actor, p.threadId);
      const t = now();
      if (p.action === 'schedule') {
        checkWindow('at', p.at, TIME_WINDOWS.due, t);
        await db
          .updateTable('hotline_threads')
          .set({ follow_up_at: p.at, follow_up_note: p.note, follow_up_done_at: null, updated_at: t })
          .where('id', '=', p.threadId)
          .execute();
      } else {
        if (a.row.follow_up_at === null) throw errors.conflict('no follow-up visit is scheduled');
        await db
          .updateTable('hotline_threads')
          .set({ follow_up_done_at: t, follow_up_note: p.note || a.row.follow_up_note, updated_at: t })
          .where('id', '=', p.threadId)
          .execute();
      }
      return (await ctx.publish(p.threadId, 'follow_up', 'staff')).staff;
    },

    /** Who the thread may go to: staff of its station, the resident's community officer first. */
    async assignable(actor: Actor, threadId: string): Promise<HotlineAssignable[]> {
      const a = await access.staffThread(actor, threadId);
      const station = await unitById(db, a.row.station_id);
      const suggested = (await views.both(threadId)).staff.staff?.suggestedAssignee?.id;
      const roles = ['station_head', 'officer', 'auxiliary', 'dispatcher'] as const;
      const rows = station ? await activePeople(db, { roles, within: station.path }, ASSIGNABLE_LIMIT) : [];
      return rows
        .map((r) => ({ id: r.id, name: r.name, role: r.role, unitName: r.unit_name, suggested: r.id === suggested }))
        .sort((x, y) => Number(y.suggested) - Number(x.suggested));
    },
  };
}
