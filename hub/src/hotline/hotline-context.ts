import type { Kysely, Transaction } from 'kysely';
import type { Actor } from '../auth/permissions.ts';
import { rejoin, setMemberStatus } from '../conversations/conversation-members.ts';
import { createMessagePipeline, type MessagePipeline, type MessageRates } from '../conversations/message-pipeline.ts';
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

/** What the hotline's services share: access rules, views, the message pipeline and publishing. */
export interface HotlineContext {
  db: Kysely<Database>;
  now: () => number;
  notify: HotlineNotifier;
  access: HotlineAccess;
  views: HotlineViews;
  pipeline: MessagePipeline;
  responseTargetMs: number;
  /** Makes the person a member of the thread's conversation (read cursor, image access). */
  join(threadId: string, userId: string): Promise<void>;
  /** Ends the person's membership of the thread's conversation (they lost access to the thread). */
  leave(threadId: string, userId: string): Promise<void>;
  /** Tells both sides of the thread about a message in it (new, or a retry announced again). */
  announce(message: MessageView): Promise<void>;
  /** Sends the thread's new state to both sides, or to staff only (a change the resident has no part in). */
  publish(
    threadId: string,
    change: HotlineChange,
    sides?: 'both' | 'staff',
  ): Promise<{ resident: HotlineThreadView; staff: HotlineThreadView }>;
  /**
   * Stores a message in the thread through the message pipeline and tells both sides. A staff
   * message is an answer: the first one stamps the first-answer time. A retried client id returns
   * the first message. `admit` refuses before the sender's rate is spent; `alongside` writes in the
   * message's own transaction (a status change the message announces).
   */
  post(
    actor: Actor,
    threadId: string,
    input: { clientId: string; text: string; imageId?: string | undefined },
    hooks?: {
      admit?: () => Promise<void>;
      alongside?: (trx: Transaction<Database>, message: MessageView) => Promise<void>;
    },
  ): Promise<{ message: MessageView; duplicate: boolean }>;
}

/** Builds the shared context of the hotline services. */
export function createHotlineContext(deps: HotlineDeps): HotlineContext {
  const { db, notify } = deps;
  const now = deps.now ?? Date.now;
  const access = createHotlineAccess(db);
  const views = createHotlineViews(db, now);
  const pipeline = createMessagePipeline({ db, rates: deps.rates, now });

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
    pipeline,
    responseTargetMs: deps.responseTargetMs,
    join: (threadId, userId) => rejoin(db, threadId, userId, now()),
    leave: (threadId, userId) => setMemberStatus(db, [threadId], userId, 'removed'),
    async announce(message) {
      const v = await views.both(message.groupId);
      notify.message(message, audience(v));
      notify.threadChanged(v, audience(v), 'message');
    },
    async publish(threadId, change, sides = 'both') {
      const v = await views.both(threadId);
      notify.threadChanged({ resident: sides === 'both' ? v.resident : null, staff: v.staff }, audience(v), change);
      return v;
    },
    post(actor, threadId, input, hooks = {}) {
      const message = { groupId: threadId, clientId: input.clientId, text: input.text, imageId: input.imageId ?? null };
      return pipeline.send(actor, message, {
        admit: hooks.admit,
        prepare: () => ctx.join(threadId, actor.id),
        alongside: async (trx, m) => {
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
          await hooks.alongside?.(trx, m);
        },
        announce: ctx.announce,
      });
    },
  };
  return ctx;
}
