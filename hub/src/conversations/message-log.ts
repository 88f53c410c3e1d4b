import { sql, type Kysely, type Transaction } from 'kysely';
import { errors } from '../errors.ts';
import { newId } from '../ids.ts';
import { HOTLINE_CONVERSATION_KIND, type ImageMimeType, type MessageView } from '../protocol/index.ts';
import { preparedQuery } from '../store/prepared-query.ts';
import { directTransaction } from '../store/sqlite-direct.ts';
import type { Database } from '../store/schema.ts';
import { createAnnounceOrder } from './announce-order.ts';
import { writableMembership } from './conversation-queries.ts';
import { createMessageBatch } from './message-batch.ts';
import {
  assertQuotable,
  MESSAGE_COLUMNS,
  newMessageRow,
  newMessageView,
  selectMessages,
  toMessageView,
  type AttachedImage,
  type MessageSender,
} from './message-rows.ts';
import { createMessageSync } from './message-sync.ts';

export type { AttachedImage, MessageSender } from './message-rows.ts';

/** What one new message carries into the log. */
export interface AppendInput {
  groupId: string;
  senderId: string;
  clientId: string;
  text: string;
  replyToSeq?: number | null;
  /** JSON of the mentioned ids or "all"; null when none. */
  mentions?: string | null;
  imageId?: string | null;
  /**
   * What the caller already knows of the sender and the image (a socket's principal, the image it
   * checked): the stored message's event is built from it and what was written, with no read-back.
   * Whatever is missing is read once, inside the write's transaction.
   */
  known?: { sender?: MessageSender; image?: AttachedImage };
  /**
   * Group chat's check, made by the write's own statements instead of a read before it: the sender
   * is an active member of the conversation, not muted at `at`, and the conversation is a group (no
   * hotline thread). When it fails, the append throws what `refusal()` answers (the caller's error),
   * unless the sender stored a message under this client id before (a retry: answered with it).
   */
  member?: { at: number; refusal: () => Promise<Error> };
}

/** Thrown inside a write whose sender failed its `member` check; turned into the caller's refusal once rolled back. */
const NOT_A_SENDER = new Error('the sender may not write in this conversation');

/**
 * The store of every conversation's messages (group chat, the hotline, bots' commands alike;
 * message-pipeline.ts drives it): a conversation (a `groups` row) holds
 * messages with a gap-free seq taken under the conversation row's lock in the transaction that
 * stores the message; a client id makes a retried write return the first message; readers catch
 * up by seq. An edit (recall, removal) takes the conversation's next change seq the same way, so
 * a client that was away learns of it from its change cursor. Callers decide who may do what;
 * this module only keeps the log.
 */
export function createMessageLog(deps: { db: Kysely<Database>; now: () => number }) {
  const { db, now } = deps;
  const order = createAnnounceOrder();
  const batch = createMessageBatch({ db, now });
  const directTx = directTransaction(db);
  const syncAfter = createMessageSync(db);

  const select = () => selectMessages(db);
  const toView = toMessageView;

  /**
   * The message stored under a client id that a read found (its id and conversation), for a retry;
   * a client id used in another conversation is a conflict.
   */
  async function stored(found: { id: string; groupId: string }, groupId: string): Promise<MessageView> {
    if (found.groupId !== groupId) throw errors.conflict('this client id was used for another conversation');
    return toView(await select().where('m.id', '=', found.id).executeTakeFirstOrThrow());
  }

  /** The message a sender already stored under this client id, if any (in another conversation: conflict). */
  async function earlier(senderId: string, clientId: string, groupId: string): Promise<MessageView | undefined> {
    const dup = await db
      .selectFrom('messages')
      .select(['id', 'group_id as groupId'])
      .where('sender_id', '=', senderId)
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    return dup && stored(dup, groupId);
  }

  /** Whether this sender already used this client id, in any conversation. */
  async function usedClientId(senderId: string, clientId: string): Promise<boolean> {
    const row = await db
      .selectFrom('messages')
      .select('id')
      .where('sender_id', '=', senderId)
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    return row !== undefined;
  }

  // The three writes of every message, prepared once (see prepared-query.ts).
  const nextSeq = preparedQuery(db, ['groupId'], (q, v) =>
    q
      .updateTable('groups')
      .set((eb) => ({ last_seq: eb('last_seq', '+', 1) }))
      .where('id', '=', v.groupId)
      .returning('last_seq'),
  );
  // The same, for a sender who must be an active, unmuted member of a group (AppendInput.member).
  const nextSeqAsMember = preparedQuery(db, ['groupId', 'userId', 'at'], (q, v) =>
    q
      .updateTable('groups')
      .set((eb) => ({ last_seq: eb('last_seq', '+', 1) }))
      .where('id', '=', v.groupId)
      .where('kind', '!=', HOTLINE_CONVERSATION_KIND)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('group_members as gm')
            .select('gm.user_id')
            .whereRef('gm.group_id', '=', 'groups.id')
            .where('gm.user_id', '=', v.userId)
            .where(writableMembership(v.at)),
        ),
      )
      .returning('last_seq'),
  );
  const insertMessage = preparedQuery(db, MESSAGE_COLUMNS, (q, v) =>
    q.insertInto('messages').values({ ...v, status: 'ok', changed_at: null }),
  );
  const senderHasRead = preparedQuery(db, ['groupId', 'userId', 'seq'], (q, v) =>
    q
      .updateTable('group_members')
      .set({ read_seq: v.seq })
      .where('group_id', '=', v.groupId)
      .where('user_id', '=', v.userId),
  );

  const seqAsMember = (input: AppendInput, member: { at: number }) => ({
    groupId: input.groupId,
    userId: input.senderId,
    at: member.at,
  });
  const readUpTo = (row: { group_id: string; sender_id: string; seq: number }) => ({
    groupId: row.group_id,
    userId: row.sender_id,
    seq: row.seq,
  });
  /** The row to store at the seq taken; none taken: the sender may not write there, or no such conversation. */
  const rowAt = (input: AppendInput, taken: { last_seq: number | bigint } | undefined) => {
    if (!taken) throw input.member ? NOT_A_SENDER : errors.notFound('conversation');
    assertQuotable(input, Number(taken.last_seq));
    return newMessageRow(input, Number(taken.last_seq), now());
  };

  /** The sender and the image as a message's event shows them, read from the store when the caller did not say. */
  async function presented(
    trx: Transaction<Database>,
    input: AppendInput,
  ): Promise<{ sender: MessageSender; image: AttachedImage | null }> {
    const image = input.imageId ? input.known?.image : null;
    const sender = input.known?.sender;
    if (sender && image !== undefined) return { sender, image };
    const row = await trx
      .selectFrom('users as u')
      .leftJoin('images as i', (j) => j.on('i.id', '=', input.imageId ?? ''))
      .select(['u.id', 'u.name', 'u.role', 'i.id as image_id', 'i.width', 'i.height', 'i.mime'])
      .where('u.id', '=', input.senderId)
      .executeTakeFirstOrThrow();
    return {
      sender: sender ?? { id: row.id, name: row.name, role: row.role },
      image:
        image ??
        (row.image_id
          ? { id: row.image_id, width: row.width!, height: row.height!, mime: row.mime as ImageMimeType }
          : null),
    };
  }

  /**
   * Stores a message inside a transaction the caller holds (with other writes that must land
   * together) and answers its view, built from what was written: the seq under the conversation
   * row's lock, the row, the sender's read cursor. A client id used before fails the insert on
   * its unique index and so rolls the caller's transaction back: no seq is ever taken for it.
   */
  async function appendWithin(trx: Transaction<Database>, input: AppendInput): Promise<MessageView> {
    const taken = input.member
      ? await nextSeqAsMember(trx, seqAsMember(input, input.member))
      : await nextSeq(trx, { groupId: input.groupId });
    const row = rowAt(input, taken.rows[0]);
    await insertMessage(trx, row);
    await senderHasRead(trx, readUpTo(row));
    const { sender, image } = await presented(trx, input);
    return newMessageView(row, sender, image);
  }

  /**
   * {@link appendWithin} without a wait, in a direct SQLite transaction (sqlite-direct.ts), for a
   * message whose sender and image the caller knows (group chat's sends): the same statements, the
   * same answer. Undefined where it cannot run so (PostgreSQL, a transaction open, the sender or
   * image unknown); the caller then takes Kysely's transaction.
   */
  function appendNow(input: AppendInput, committing: (m: MessageView) => void): MessageView | undefined {
    const sender = input.known?.sender;
    const image = input.imageId ? input.known?.image : null;
    if (!directTx || !sender || image === undefined) return undefined;
    return directTx(() => {
      const taken = input.member
        ? nextSeqAsMember.now(seqAsMember(input, input.member))
        : nextSeq.now({ groupId: input.groupId });
      const row = rowAt(input, taken.rows[0]);
      insertMessage.now(row);
      senderHasRead.now(readUpTo(row));
      const message = newMessageView(row, sender, image);
      committing(message);
      return message;
    })?.value;
  }

  return {
    earlier,
    usedClientId,
    appendWithin,

    /** The stored message with this id. */
    async byId(id: string): Promise<MessageView> {
      return toView(await select().where('m.id', '=', id).executeTakeFirstOrThrow());
    },

    /** The message at this seq of a conversation, if any. */
    async bySeq(groupId: string, seq: number): Promise<MessageView | undefined> {
      const row = await select().where('m.group_id', '=', groupId).where('m.seq', '=', seq).executeTakeFirst();
      return row && toView(row);
    },

    /**
     * Messages of these conversations whose text holds `query` (Chinese included: substring match),
     * newest first, with the match positions for highlighting. Recalled and removed ones are never found.
     */
    async search(
      groupIds: readonly string[],
      query: string,
      limit: number,
    ): Promise<{ message: MessageView; matches: [number, number][] }[]> {
      if (groupIds.length === 0) return [];
      const pattern = `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const rows = await select()
        .where('m.group_id', 'in', groupIds)
        .where('m.status', '=', 'ok')
        .where(sql<boolean>`lower(m.text) like lower(${pattern}) escape '\\'`)
        .orderBy('m.created_at', 'desc')
        .limit(limit)
        .execute();
      const needle = query.toLowerCase();
      return rows.map((r) => {
        const matches: [number, number][] = [];
        const hay = r.text.toLowerCase();
        for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + needle.length))
          matches.push([i, i + query.length]);
        return { message: toView(r), matches };
      });
    },

    /** An image may be attached once, by its uploader, in the conversation it was uploaded to; answers how it shows. */
    async checkImage(imageId: string, groupId: string, senderId: string): Promise<AttachedImage> {
      const img = await db
        .selectFrom('images')
        .select(['group_id', 'uploader_id', 'width', 'height', 'mime'])
        .where('id', '=', imageId)
        .executeTakeFirst();
      if (!img || img.group_id !== groupId || img.uploader_id !== senderId) throw errors.notFound('image');
      const used = await db.selectFrom('messages').select('id').where('image_id', '=', imageId).executeTakeFirst();
      if (used) throw errors.conflict('this image was already sent');
      return { id: imageId, width: img.width, height: img.height, mime: img.mime as ImageMimeType };
    },

    /**
     * Runs a stored message's announcement once every message before it that this node is still
     * committing has been announced (see announce-order.ts).
     */
    announceInOrder(message: MessageView, announce: () => void | Promise<void>): Promise<void> {
      return order.committed(message.groupId, message.seq, announce);
    },

    /**
     * Stores the message with the conversation's next seq (the sender has read up to it). `alongside`
     * runs in the same transaction, for the caller's writes that must land with the message or not
     * at all (a status change the message announces). A client id racing in twice returns the winner.
     */
    async append(
      input: AppendInput,
      alongside?: (trx: Transaction<Database>, message: MessageView) => Promise<void>,
    ): Promise<{ message: MessageView; duplicate: boolean }> {
      let claimed: MessageView | undefined;
      const claim = (m: MessageView) => {
        order.claim(m.groupId, m.seq);
        claimed = m;
      };
      try {
        const message =
          (!alongside && appendNow(input, claim)) ||
          (await db.transaction().execute(async (trx) => {
            const m = await appendWithin(trx, input);
            await alongside?.(trx, m);
            claim(m);
            return m;
          }));
        return { message, duplicate: false };
      } catch (err) {
        if (claimed) order.release(claimed.groupId, claimed.seq);
        const won = await earlier(input.senderId, input.clientId, input.groupId);
        if (won) return { message: won, duplicate: true };
        throw err === NOT_A_SENDER && input.member ? await input.member.refusal() : err;
      }
    },

    /**
     * Stores several messages in one transaction (group commit): see message-batch.ts. All land or
     * none; a failure (a client id stored meanwhile by another node, a conversation gone) rolls
     * every one back and takes no seq, and the caller writes them one by one with {@link append}.
     */
    async appendBatch(inputs: readonly AppendInput[]): Promise<MessageView[]> {
      let claimed: MessageView[] = [];
      try {
        return await db.transaction().execute(async (trx) => {
          const written = await batch.write(trx, inputs);
          for (const m of written) order.claim(m.groupId, m.seq);
          claimed = written;
          return written;
        });
      } catch (err) {
        for (const m of claimed) order.release(m.groupId, m.seq);
        throw err;
      }
    },

    /**
     * Marks a message recalled or removed with the conversation's next change seq, taken under the
     * conversation row's lock in the same transaction; conflict when it was already taken back.
     */
    /** `alongside` writes in the edit's own transaction (an audit entry): both land, or neither. */
    async edit(
      groupId: string,
      messageId: string,
      status: 'recalled' | 'removed',
      alongside?: (trx: Transaction<Database>) => Promise<void>,
    ): Promise<number> {
      return db.transaction().execute(async (trx) => {
        const { change_seq: changeSeq } = await trx
          .updateTable('groups')
          .set((eb) => ({ change_seq: eb('change_seq', '+', 1) }))
          .where('id', '=', groupId)
          .returning('change_seq')
          .executeTakeFirstOrThrow();
        const done = await trx
          .updateTable('messages')
          .set({ status, changed_at: now(), change_seq: Number(changeSeq) })
          .where('id', '=', messageId)
          .where('group_id', '=', groupId)
          .where('status', '=', 'ok')
          .executeTakeFirst();
        // Throwing rolls the change seq back: it only ever counts edits that happened.
        if (Number(done.numUpdatedRows) === 0) throw errors.conflict('the message was already taken back');
        await alongside?.(trx);
        return Number(changeSeq);
      });
    },

    /** Catch-up over many conversations in a bounded few statements (see message-sync.ts). */
    after: syncAfter,

    /** Older messages of one conversation, oldest first. */
    async before(groupId: string, beforeSeq: number | undefined, limit: number): Promise<MessageView[]> {
      let q = select().where('m.group_id', '=', groupId).orderBy('m.seq', 'desc').limit(limit);
      if (beforeSeq !== undefined) q = q.where('m.seq', '<', beforeSeq);
      return (await q.execute()).reverse().map(toView);
    },

    /** Moves a member's read cursor forward to `target` (never back). */
    async advanceRead(groupId: string, userId: string, target: number): Promise<void> {
      await db
        .updateTable('group_members')
        .set({ read_seq: target })
        .where('group_id', '=', groupId)
        .where('user_id', '=', userId)
        .where('read_seq', '<', target)
        .execute();
    },
  };
}
export type MessageLog = ReturnType<typeof createMessageLog>;

/**
 * A finished history stored at once (the demo's threads): the messages take the next seqs in
 * order, with the times they carry, and every member has read them. Returns the first new seq.
 */
export async function appendHistory(
  trx: Transaction<Database>,
  groupId: string,
  messages: { senderId: string; clientId: string; text: string; at: number }[],
): Promise<number> {
  const { last_seq: last } = await trx
    .updateTable('groups')
    .set((eb) => ({ last_seq: eb('last_seq', '+', messages.length) }))
    .where('id', '=', groupId)
    .returning('last_seq')
    .executeTakeFirstOrThrow();
  const first = Number(last) - messages.length + 1;
  await trx
    .insertInto('messages')
    .values(
      messages.map((m, k) => ({
        id: newId(),
        group_id: groupId,
        seq: first + k,
        sender_id: m.senderId,
        client_id: m.clientId,
        text: m.text,
        reply_to_seq: null,
        mentions: null,
        image_id: null,
        status: 'ok' as const,
        created_at: m.at,
        changed_at: null,
      })),
    )
    .execute();
  await trx
    .updateTable('group_members')
    .set({ read_seq: Number(last) })
    .where('group_id', '=', groupId)
    .execute();
  return first;
}
