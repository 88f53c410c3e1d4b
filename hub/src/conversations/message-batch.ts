import { PostgresAdapter, sql, type Kysely, type Transaction } from 'kysely';
import { errors } from '../errors.ts';
import { HOTLINE_CONVERSATION_KIND, type ImageMimeType, type MessageView } from '../protocol/index.ts';
import { preparedRowsQuery } from '../store/prepared-query.ts';
import type { Database } from '../store/schema.ts';
import { writableMembership } from './conversation-queries.ts';
import type { AppendInput, AttachedImage, MessageSender } from './message-log.ts';
import { assertQuotable, MESSAGE_COLUMNS, newMessageRow, newMessageView, type NewMessageRow } from './message-rows.ts';

/**
 * Several new messages written in the caller's transaction with a bounded number of statements,
 * whatever their count and however many conversations they go to (group commit, see
 * group-commit.ts): lock the conversations (PostgreSQL), take each one's seqs in one update,
 * insert every row in one multi-row insert, move each sender's read cursor in one update. The
 * messages' views are built from what was written; nothing is read back.
 */
export function createMessageBatch(deps: { db: Kysely<Database>; now: () => number }) {
  const { db, now } = deps;
  const onPostgres = db.getExecutor().adapter instanceof PostgresAdapter;

  // Conversation rows are locked in id order, so two nodes' batches over the same conversations
  // queue on each other instead of deadlocking. SQLite has one writer: its transaction is the lock.
  const lockHeads = preparedRowsQuery(db, ['groupId'], (q, rows) =>
    q
      .selectFrom('groups')
      .select('id')
      .where(
        'id',
        'in',
        rows.map((r) => r.groupId),
      )
      .orderBy('id')
      .forUpdate(),
  );
  const takeSeqs = preparedRowsQuery(db, ['groupId', 'count'], (q, rows) =>
    q
      .updateTable('groups')
      .set({
        last_seq: sql<number>`last_seq + case id ${sql.join(
          rows.map((r) => sql`when ${r.groupId} then cast(${r.count} as bigint)`),
          sql` `,
        )} end`,
      })
      .where(
        'id',
        'in',
        rows.map((r) => r.groupId),
      )
      .returning(['id', 'last_seq']),
  );
  // The batch's senders who must be active, unmuted members of a group (AppendInput.member) and are.
  const membersAllowed = preparedRowsQuery(db, ['groupId', 'userId', 'at'], (q, rows) =>
    q
      .selectFrom('group_members as gm')
      .innerJoin('groups as g', 'g.id', 'gm.group_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('g.kind', '!=', HOTLINE_CONVERSATION_KIND)
      .where((eb) =>
        eb.or(
          rows.map((r) =>
            eb.and([eb('gm.group_id', '=', r.groupId), eb('gm.user_id', '=', r.userId), writableMembership(r.at)]),
          ),
        ),
      ),
  );
  const insertRows = preparedRowsQuery(db, MESSAGE_COLUMNS, (q, rows) =>
    q.insertInto('messages').values(rows.map((r) => ({ ...r, status: 'ok', changed_at: null }))),
  );
  const sendersHaveRead = preparedRowsQuery(db, ['groupId', 'userId', 'seq'], (q, rows) =>
    q
      .updateTable('group_members')
      .set({
        read_seq: sql<number>`case ${sql.join(
          rows.map((r) => sql`when group_id = ${r.groupId} and user_id = ${r.userId} then cast(${r.seq} as bigint)`),
          sql` `,
        )} else read_seq end`,
      })
      .where((eb) => eb.or(rows.map((r) => eb.and([eb('group_id', '=', r.groupId), eb('user_id', '=', r.userId)])))),
  );

  /** How the senders and images show, for the messages whose caller did not say: one read each, for all. */
  async function presentation(trx: Transaction<Database>, inputs: readonly AppendInput[]) {
    const senderIds = [...new Set(inputs.filter((i) => !i.known?.sender).map((i) => i.senderId))];
    const imageIds = [...new Set(inputs.filter((i) => i.imageId && !i.known?.image).map((i) => i.imageId!))];
    const senders = new Map<string, MessageSender>();
    const images = new Map<string, AttachedImage>();
    if (senderIds.length > 0)
      for (const u of await trx
        .selectFrom('users')
        .select(['id', 'name', 'role'])
        .where('id', 'in', senderIds)
        .execute())
        senders.set(u.id, u);
    if (imageIds.length > 0)
      for (const i of await trx
        .selectFrom('images')
        .select(['id', 'width', 'height', 'mime'])
        .where('id', 'in', imageIds)
        .execute())
        images.set(i.id, { id: i.id, width: i.width, height: i.height, mime: i.mime as ImageMimeType });
    return (input: AppendInput) => {
      const sender = input.known?.sender ?? senders.get(input.senderId);
      const image = input.imageId ? (input.known?.image ?? images.get(input.imageId)) : null;
      if (!sender) throw errors.notFound('person');
      if (image === undefined) throw errors.notFound('image');
      return { sender, image };
    };
  }

  /** Every sender with a `member` check passes it, or the batch fails (each is then written alone, and refused alone). */
  async function assertMembers(trx: Transaction<Database>, inputs: readonly AppendInput[]): Promise<void> {
    const pairs = new Map<string, { groupId: string; userId: string; at: number }>();
    for (const i of inputs)
      if (i.member)
        pairs.set(`${i.groupId}\u0000${i.senderId}`, { groupId: i.groupId, userId: i.senderId, at: i.member.at });
    if (pairs.size === 0) return;
    const { rows } = await membersAllowed(trx, [...pairs.values()]);
    if (Number(rows[0]?.n ?? 0) !== pairs.size) throw errors.forbidden('a sender may not write in this conversation');
  }

  return {
    /**
     * Stores these messages (in this order within each conversation) and answers their views, in
     * the order given. A conversation that is gone, or a client id used before (its unique index),
     * fails the whole statement: the caller rolls back and writes the messages one by one.
     */
    async write(trx: Transaction<Database>, inputs: readonly AppendInput[]): Promise<MessageView[]> {
      await assertMembers(trx, inputs);
      const counts = new Map<string, number>();
      for (const i of inputs) counts.set(i.groupId, (counts.get(i.groupId) ?? 0) + 1);
      const heads = [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      if (onPostgres)
        await lockHeads(
          trx,
          heads.map(([groupId]) => ({ groupId })),
        );
      const taken = await takeSeqs(
        trx,
        heads.map(([groupId, count]) => ({ groupId, count })),
      );
      /** Per conversation, the next seq of this batch to hand out. */
      const next = new Map(taken.rows.map((r) => [r.id, Number(r.last_seq) - counts.get(r.id)! + 1]));
      if (next.size !== counts.size) throw errors.notFound('conversation');

      const createdAt = now();
      const rows: NewMessageRow[] = inputs.map((i) => {
        const seq = next.get(i.groupId)!;
        next.set(i.groupId, seq + 1);
        assertQuotable(i, seq);
        return newMessageRow(i, seq, createdAt);
      });
      await insertRows(trx, rows);

      // Each sender has read up to their last message of the batch in each conversation.
      const read = new Map<string, { groupId: string; userId: string; seq: number }>();
      for (const r of rows)
        read.set(`${r.group_id}\u0000${r.sender_id}`, { groupId: r.group_id, userId: r.sender_id, seq: r.seq });
      await sendersHaveRead(trx, [...read.values()]);

      const present = await presentation(trx, inputs);
      return rows.map((row, k) => {
        const { sender, image } = present(inputs[k]!);
        return newMessageView(row, sender, image);
      });
    },
  };
}
