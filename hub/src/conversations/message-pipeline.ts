import type { Kysely, Transaction } from 'kysely';
import type { Actor } from '../auth/permissions.ts';
import { errors } from '../errors.ts';
import { newId } from '../ids.ts';
import type { MessageView, SyncAnswer } from '../protocol/index.ts';
import { createRateLimiter } from '../rate-limiter.ts';
import type { Database } from '../store/schema.ts';
import { addMembers, openConversation, type ConversationKind } from './conversation-members.ts';
import { createGroupCommit } from './group-commit.ts';
import { createMessageLog, type AppendInput, type AttachedImage } from './message-log.ts';

const SYNC_LIMIT = 500;

/** Send rates per person: residents are untrusted, so a smaller burst and a slower refill. */
export interface MessageRates {
  staffPerMinute: number;
  staffBurst: number;
  residentPerMinute: number;
  residentBurst: number;
}

/** A catch-up request: seq cursor per conversation, change cursors, at most `limit` rows. */
export interface SyncRequest {
  cursors: Record<string, number>;
  changes?: Record<string, number> | undefined;
  limit?: number | undefined;
}

/** What a caller adds to one send: its checks, writes that land with the message, and how receivers hear of it. */
export interface SendHooks {
  /**
   * The write itself finds a message this sender already stored under the client id (its unique
   * index), so nothing is read before it; a send refused before the write (its rate, the caller's
   * checks) looks for one then, so a retry of a stored message is still answered with it. Left
   * out, the pipeline looks first.
   */
  duplicatesAtWrite?: boolean;
  /** Refusals decided before the sender's rate is spent (a retry of a stored message skips them). */
  admit?: () => Promise<void>;
  /** Checks and preparation once the rate is spent, before the write (mute, quotes, mentions, joining). */
  prepare?: () => Promise<void>;
  /** Writes in the message's own transaction: a status change the message announces lands with it or not at all. */
  alongside?: (trx: Transaction<Database>, message: MessageView) => Promise<void>;
  /** Tells the receivers (the caller's rooms and events). */
  announce: (message: MessageView) => void | Promise<void>;
}

/** A conversation opened by its first message (a hotline thread): what it is and the caller's rows beside it. */
export interface OpenSpec {
  clientId: string;
  text: string;
  kind: ConversationKind;
  name: string;
  /** The conversation this person already opened with this client id, if any (a retry). */
  opened: () => Promise<string | undefined>;
  /** Refusals decided before the sender's rate is spent. */
  admit?: () => Promise<void>;
  /** The caller's rows of the new conversation, in its transaction: they never exist without the message. */
  alongside: (trx: Transaction<Database>, conversationId: string, at: number) => Promise<void>;
  /** Tells the receivers of the opening message (`created` false: a retry announced again). */
  announce: (message: MessageView, created: boolean) => void | Promise<void>;
}

/**
 * The one path every message takes, whoever sends it (group chat, the hotline, bots' commands):
 * duplicate check → spend the sender's rate → the caller's checks → append (gap-free seq, in one
 * transaction with the caller's writes) → announce; for a caller whose write finds the duplicate
 * itself (`duplicatesAtWrite`), the same without the read first. A retried client id is answered
 * with the stored message and announced again while the sender has rate to spare: its first node
 * may have died between commit and announce (receivers drop a seq they hold), and retries cannot
 * flood.
 * Each pipeline keeps its own send budget per person: group chat and the hotline have one each.
 * Read cursors, catch-up, history and edits go through here as well.
 */
export function createMessagePipeline(deps: {
  db: Kysely<Database>;
  rates: MessageRates;
  now?: () => number;
  /**
   * Write messages that are in flight at once in shared transactions (group-commit.ts); a send
   * with writes of its own (`alongside`) is always written alone. Off: one transaction each.
   */
  groupCommit?: boolean;
}) {
  const { db, rates } = deps;
  const now = deps.now ?? Date.now;
  const log = createMessageLog({ db, now });
  const commit = deps.groupCommit ? createGroupCommit({ log }) : undefined;
  const staffRate = createRateLimiter({ capacity: rates.staffBurst, perSecond: rates.staffPerMinute / 60, now });
  const residentRate = createRateLimiter({
    capacity: rates.residentBurst,
    perSecond: rates.residentPerMinute / 60,
    now,
  });
  /** Takes one of the sender's tokens: 0 when there was one, else the seconds until the next. */
  const take = (actor: Actor) => (actor.role === 'resident' ? residentRate : staffRate).take(actor.id);
  const spend = (actor: Actor) => {
    const wait = take(actor);
    if (wait > 0) throw errors.rateLimited(wait);
  };

  return {
    /** Stores a message in an existing conversation and announces it; see the pipeline above. */
    async send(
      actor: Actor,
      input: Omit<AppendInput, 'senderId'>,
      hooks: SendHooks,
    ): Promise<{ message: MessageView; duplicate: boolean }> {
      const atWrite = hooks.duplicatesAtWrite === true;
      if (!atWrite) {
        const dup = await log.earlier(actor.id, input.clientId, input.groupId);
        if (dup) {
          if (take(actor) === 0) await hooks.announce(dup);
          return { message: dup, duplicate: true };
        }
      }
      let image: AttachedImage | undefined;
      try {
        await hooks.admit?.();
        spend(actor);
        await hooks.prepare?.();
        if (input.imageId) image = await log.checkImage(input.imageId, input.groupId, actor.id);
      } catch (err) {
        const dup = atWrite && (await log.earlier(actor.id, input.clientId, input.groupId));
        if (!dup) throw err;
        return { message: dup, duplicate: true };
      }
      const stored = { ...input, senderId: actor.id, known: { ...input.known, ...(image && { image }) } };
      const out = commit && !hooks.alongside ? await commit.append(stored) : await log.append(stored, hooks.alongside);
      if (!out.duplicate) await log.announceInOrder(out.message, () => hooks.announce(out.message));
      // Found at the write, a retry has spent rate like any send: announced again. Otherwise a
      // duplicate here lost a race with the same client id, and the winner announces.
      else if (atWrite) await hooks.announce(out.message);
      return out;
    },

    /**
     * Opens a conversation with its first message: the conversation, the sender's membership, the
     * caller's rows and the message in one transaction, then announced. A retried client id
     * answers with the conversation it opened (and its opening message, announced again).
     */
    async open(
      actor: Actor,
      spec: OpenSpec,
    ): Promise<{ conversationId: string; message: MessageView; duplicate: boolean }> {
      let id = await spec.opened();
      let created: MessageView | undefined;
      if (!id) {
        await spec.admit?.();
        // The opening message carries the client id, which must be new for this person.
        if (await log.usedClientId(actor.id, spec.clientId))
          throw errors.conflict('this client id was used for another conversation');
        spend(actor);
        const fresh = newId();
        const at = now();
        try {
          created = await db.transaction().execute(async (trx) => {
            await openConversation(trx, { id: fresh, kind: spec.kind, name: spec.name, at });
            await addMembers(trx, fresh, [actor.id], { at });
            await spec.alongside(trx, fresh, at);
            return log.appendWithin(trx, {
              groupId: fresh,
              senderId: actor.id,
              clientId: spec.clientId,
              text: spec.text,
            });
          });
          id = fresh;
        } catch (err) {
          // The same client id raced in from a second connection: the first open won.
          id = await spec.opened();
          if (!id) throw err;
        }
      }
      const message = created ?? (await log.earlier(actor.id, spec.clientId, id));
      if (!message) throw errors.conflict('this client id was used for another conversation');
      if (created || take(actor) === 0) await spec.announce(message, created !== undefined);
      return { conversationId: id, message, duplicate: created === undefined };
    },

    /**
     * Moves the person's read cursor forward to `seq` (never back, never past the last message);
     * answers where it stands and where the caller asked it to go (capped at the last message).
     */
    async markRead(groupId: string, userId: string, seq: number): Promise<{ readSeq: number; upTo: number }> {
      const row = await db
        .selectFrom('groups as g')
        .leftJoin('group_members as gm', (j) => j.onRef('gm.group_id', '=', 'g.id').on('gm.user_id', '=', userId))
        .select(['g.last_seq', 'gm.read_seq'])
        .where('g.id', '=', groupId)
        .executeTakeFirstOrThrow();
      const upTo = Math.min(seq, row.last_seq);
      const held = row.read_seq ?? 0;
      if (upTo > held) await log.advanceRead(groupId, userId, upTo);
      return { readSeq: Math.max(upTo, held), upTo };
    },

    /**
     * Catch-up after (re)connecting: for each conversation the caller may read, the messages after
     * the cursor the client holds (0 for one it has never seen) in seq order, and the recalls and
     * removals of held messages after its change cursor. Others are ignored, so guessed ids reveal nothing.
     */
    sync(readable: ReadonlySet<string>, req: SyncRequest): Promise<SyncAnswer> {
      return log.after(
        Object.entries(req.cursors).filter(([id]) => readable.has(id)),
        req.changes ?? {},
        req.limit ?? SYNC_LIMIT,
      );
    },

    /** Older messages of one conversation, oldest first, for scrolling back. */
    history: (groupId: string, beforeSeq: number | undefined, limit: number) => log.before(groupId, beforeSeq, limit),

    /** Text search over these conversations, newest first. */
    search: (groupIds: readonly string[], query: string, limit: number) => log.search(groupIds, query, limit),

    /**
     * Takes a message back (recall or removal) with the conversation's next change seq; `decide`
     * says which, or throws when the caller may not; `alongside` writes in the edit's transaction
     * (the removal's audit entry). Answers the placeholder everyone now sees.
     */
    async takeBack(
      groupId: string,
      seq: number,
      decide: (message: MessageView) => 'recalled' | 'removed',
      alongside?: (trx: Transaction<Database>, message: MessageView, status: 'recalled' | 'removed') => Promise<void>,
    ): Promise<MessageView> {
      const message = await log.bySeq(groupId, seq);
      if (!message) throw errors.notFound('message');
      if (message.status !== 'ok') throw errors.conflict(`the message is already ${message.status}`);
      const status = decide(message);
      await log.edit(groupId, message.id, status, alongside && ((trx) => alongside(trx, message, status)));
      return log.byId(message.id);
    },
  };
}
export type MessagePipeline = ReturnType<typeof createMessagePipeline>;
