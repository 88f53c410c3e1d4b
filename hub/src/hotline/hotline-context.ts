import type { Kysely, Transaction } from 'kysely';
import type { Actor } from '../auth/permissions.ts';
import { errors } from '../errors.ts';
import { createMessageLog, type MessageLog } from '../groups/message-log.ts';
import type { MessageRates } from '../groups/group.service.ts';
import { createRateLimiter } from '../rate-limiter.ts';
import type { HotlineChange, HotlineNoteView, HotlineThreadView, MessageView } from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import { createHotlineAccess, type HotlineAccess } from './hotline-access.ts';
import { createHotlineViews, type HotlineViews } from './hotline-views.ts';

/** Who hears about a thread: its resident, its station's desk, and its assignee. */
export interface HotlineAudience {
  stationId: string;
  residentId: string;
  assigneeId: string | null;
}

/** What the hotline tells the transport once a change is persisted. */
export interface HotlineNotifier {
  /** A message: to the resident and the staff side alike (messages hold nothing internal). */
  message(message: MessageView, to: HotlineAudience): void;
  /** The resident gets `resident` (staff: null; none for a staff-only change), the desk and the assignee get `staff`. */
  threadChanged(
    views: { resident: HotlineThreadView | null; staff: HotlineThreadView },
    to: HotlineAudience,
    change: HotlineChange,
  ): void;
  /** Staff side only. */
  noteAdded(note: HotlineNoteView, to: HotlineAudience): void;
  /** To these station heads' own rooms. */
  overdue(thread: HotlineThreadView, headIds: string[]): void;
  cannedChanged(stationId: string): void;
  /** A person started or stopped handling a station's desk: their sockets join or leave its room. */
  deskChanged(stationId: string, userId: string, enabled: boolean): void;
}

export interface HotlineDeps {
  db: Kysely<Database>;
  notify: HotlineNotifier;
  rates: MessageRates;
  /** The promised time to a first answer. */
  responseTargetMs: number;
  now?: () => number;
}

/** What the hotline's services share: access rules, views, the message log, rates and publishing. */
export interface HotlineContext {
  db: Kysely<Database>;
  now: () => number;
  notify: HotlineNotifier;
  access: HotlineAccess;
  views: HotlineViews;
  log: MessageLog;
  responseTargetMs: number;
  /** Throws rate_limited when the person has sent too much. */
  spend(actor: Actor): void;
  /** Spends a token for announcing a retried write again; false (and nothing spent) when the person has none. */
  mayReannounce(actor: Actor): boolean;
  /**
   * Answers a retried message with the stored one and announces it again (its first node may have
   * died between commit and announce; receivers drop a seq they hold), while rate allows.
   */
  reannounce(actor: Actor, message: MessageView): Promise<{ message: MessageView; duplicate: true }>;
  /** Makes the person a member of the thread's conversation (read cursor, image access). */
  join(threadId: string, userId: string): Promise<void>;
  /** Ends the person's membership of the thread's conversation (they lost access to the thread). */
  leave(threadId: string, userId: string): Promise<void>;
  /** Sends the thread's new state to both sides, or to staff only (a change the resident has no part in). */
  publish(
    threadId: string,
    change: HotlineChange,
    sides?: 'both' | 'staff',
  ): Promise<{ resident: HotlineThreadView; staff: HotlineThreadView }>;
  /**
   * Stores a message in the thread and tells both sides. A staff message is an answer: the first
   * one stamps the first-answer time. A retried client id returns the first message. `alongside`
   * writes in the message's own transaction (a status change the message announces).
   */
  post(
    actor: Actor,
    threadId: string,
    input: { clientId: string; text: string; imageId?: string | undefined },
    alongside?: (trx: Transaction<Database>, message: MessageView) => Promise<void>,
  ): Promise<{ message: MessageView; duplicate: boolean }>;
}

/** Builds the shared context of the hotline services. */
export function createHotlineContext(deps: HotlineDeps): HotlineContext {
  const { db, notify } = deps;
  const now = deps.now ?? Date.now;
  const staffRate = createRateLimiter({
    capacity: deps.rates.staffBurst,
    perSecond: deps.rates.staffPerMinute / 60,
    now,
  });
  const residentRate = createRateLimiter({
    capacity: deps.rates.residentBurst,
    perSecond: deps.rates.residentPerMinute / 60,
    now,
  });
  const access = createHotlineAccess(db);
  const views = createHotlineViews(db, now);
  const log = createMessageLog({ db, now });

  const audience = (v: { stationId: string; residentId: string; assigneeId: string | null }): HotlineAudience => ({
    stationId: v.stationId,
    residentId: v.residentId,
    assigneeId: v.assigneeId,
  });

  const ctx: HotlineContext = {
    db,
    now,
    notify,
    access,
    views,
    log,
    responseTargetMs: deps.responseTargetMs,
    spend(actor) {
      const wait = (actor.role === 'resident' ? residentRate : staffRate).take(actor.id);
      if (wait > 0) throw errors.rateLimited(wait);
    },
    mayReannounce: (actor) => (actor.role === 'resident' ? residentRate : staffRate).take(actor.id) === 0,
    async reannounce(actor, message) {
      if (ctx.mayReannounce(actor)) {
        const v = await views.both(message.groupId);
        notify.message(message, audience(v));
        notify.threadChanged(v, audience(v), 'message');
      }
      return { message, duplicate: true };
    },
    async join(threadId, userId) {
      await db
        .insertInto('group_members')
        .values({
          group_id: threadId,
          user_id: userId,
          status: 'active',
          read_seq: 0,
          joined_at: now(),
          muted_until: null,
        })
        .onConflict((oc) => oc.columns(['group_id', 'user_id']).doUpdateSet({ status: 'active' }))
        .execute();
    },
    async leave(threadId, userId) {
      await db
        .updateTable('group_members')
        .set({ status: 'removed' })
        .where('group_id', '=', threadId)
        .where('user_id', '=', userId)
        .execute();
    },
    async publish(threadId, change, sides = 'both') {
      const v = await views.both(threadId);
      notify.threadChanged({ resident: sides === 'both' ? v.resident : null, staff: v.staff }, audience(v), change);
      return v;
    },
    async post(actor, threadId, input, alongside) {
      const dup = await log.earlier(actor.id, input.clientId, threadId);
      if (dup) return ctx.reannounce(actor, dup);
      ctx.spend(actor);
      await ctx.join(threadId, actor.id);
      if (input.imageId) await log.checkImage(input.imageId, threadId, actor.id);
      const message = {
        groupId: threadId,
        senderId: actor.id,
        clientId: input.clientId,
        text: input.text,
        imageId: input.imageId ?? null,
      };
      const out = await log.append(message, async (trx, m) => {
        const at = m.createdAt;
        const thread = () => trx.updateTable('hotline_threads').where('id', '=', threadId);
        if (actor.role !== 'resident') {
          await thread().set({ first_answered_at: at }).where('first_answered_at', 'is', null).execute();
          await thread().set({ status: 'in_progress' }).where('status', '=', 'open').execute();
          // Whoever answers has read the thread up to their answer.
          await thread()
            .set({ staff_read_seq: m.seq, staff_read_at: at })
            .where('staff_read_seq', '<', m.seq)
            .execute();
        }
        await thread().set({ updated_at: at }).execute();
        await alongside?.(trx, m);
      });
      if (out.duplicate) return out;
      const v = await views.both(threadId);
      notify.message(out.message, audience(v));
      notify.threadChanged(v, audience(v), 'message');
      return out;
    },
  };
  return ctx;
}
