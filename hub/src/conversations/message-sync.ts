import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { MessageEdit, MessageStatus, MessageView, SyncAnswer } from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import { batchedLookup } from '../store/batched-lookup.ts';
import { padToPowerOfTwo as pad, preparedRowsQuery } from '../store/prepared-query.ts';
import { selectMessages, toMessageView } from './message-rows.ts';
import { createRecentRanges, type MessageRange } from './recent-ranges.ts';

/** Where one conversation stands: its counters and the first seq retention left (last_seq + 1 when none). */
interface Counters {
  lastSeq: number;
  changeSeq: number;
  floor: number;
}

/** Conversations whose counters one read answers at most: a catch-up of 500 groups is one read. */
const CONVERSATIONS_PER_COUNTERS_READ = 512;

/** A VALUES list of the rows' values in `columns` order (column1, column2, … on both dialects); counters typed for PostgreSQL. */
function valuesList<K extends string>(
  rows: readonly Readonly<Record<K, unknown>>[],
  columns: readonly (readonly [K, 'text' | 'bigint'])[],
): RawBuilder<unknown> {
  return sql`(values ${sql.join(
    rows.map(
      (r) =>
        sql`(${sql.join(columns.map(([k, type]) => (type === 'bigint' ? sql`cast(${r[k]} as bigint)` : sql`${r[k]}`)))})`,
    ),
  )})`;
}

/** A raw statement as something a prepared query can compile. */
const compilable = <R>(db: Kysely<Database>, raw: RawBuilder<R>) => ({ compile: () => raw.compile(db) });

type EditWanted = { order: number; groupId: string; cursor: number; since: number; upTo: number };
type RangeWanted = { order: number; groupId: string; after: number; upTo: number };

/**
 * The catch-up's statements, prepared once per store and padded list length: a reconnect storm runs
 * them thousands of times a second, and building and compiling them cost more than running them.
 * The message ranges read lately are handed to the next catch-ups asking for them (recent-ranges.ts).
 */
function syncStatements(db: Kysely<Database>) {
  const recent = createRecentRanges();
  // Each conversation's counters and history floor: one statement for all of a read's conversations.
  const counters = preparedRowsQuery(db, ['groupId'], (q, rows) =>
    q
      .selectFrom('groups as g')
      .select(['g.id', 'g.last_seq', 'g.change_seq'])
      .select((eb) =>
        eb
          .selectFrom('messages as f')
          .select((sb) => sb.fn.min('f.seq').as('s'))
          .whereRef('f.group_id', '=', 'g.id')
          .as('first'),
      )
      .where(
        'g.id',
        'in',
        rows.map((r) => r.groupId),
      ),
  );
  // Edits (recalls, removals) of held messages past each change cursor, up to the counter read
  // before: in cursor order, then change order, the first `max` of them over all conversations
  // (the answer never holds more). `change_seq > 0` names the partial index of edited messages.
  // A rows query's values are per row: the bound `max` rides on the first.
  const edits = preparedRowsQuery(db, ['order', 'groupId', 'cursor', 'since', 'upTo', 'max'], (q, rows) =>
    compilable(
      q,
      sql<{ group_id: string; id: string; seq: number; status: MessageStatus; change_seq: number }>`
        select e.group_id, e.id, e.seq, e.status, e.change_seq from (
          select c.column2 as group_id, m.id, m.seq, m.status, m.change_seq,
            row_number() over (order by c.column1, m.change_seq) as k
          from ${valuesList(rows, [
            ['order', 'bigint'],
            ['groupId', 'text'],
            ['cursor', 'bigint'],
            ['since', 'bigint'],
            ['upTo', 'bigint'],
          ])} as c
          join messages m on m.group_id = c.column2 and m.seq <= c.column3
            and m.change_seq > 0 and m.change_seq > c.column4 and m.change_seq <= c.column5
        ) e where e.k <= cast(${rows[0]!.max} as bigint) order by e.k`,
    ),
  );
  // The messages of each conversation's seq range, in list order then seq order.
  const messages = preparedRowsQuery(db, ['order', 'groupId', 'after', 'upTo'], (q, rows) =>
    selectMessages(q)
      .innerJoin(
        valuesList(rows, [
          ['order', 'bigint'],
          ['groupId', 'text'],
          ['after', 'bigint'],
          ['upTo', 'bigint'],
        ]).as('c'),
        (j) => j.on(sql<boolean>`c.column2 = m.group_id and m.seq > c.column3 and m.seq <= c.column4`),
      )
      .orderBy(sql`c.column1`)
      .orderBy('m.seq'),
  );
  // Shared by the catch-ups of one turn of the event loop (a reconnect storm: a group's members
  // ask for the same conversation's counters at once), read after every asker joined its rooms.
  const counterOf = batchedLookup<Counters | undefined>({
    max: CONVERSATIONS_PER_COUNTERS_READ,
    missing: undefined,
    async read(ids) {
      const { rows } = await counters(
        db,
        pad(
          ids.map((groupId) => ({ groupId })),
          { groupId: '' },
        ),
      );
      return new Map(
        rows.map((r) => [
          r.id,
          {
            lastSeq: Number(r.last_seq),
            changeSeq: Number(r.change_seq),
            floor: r.first === null ? Number(r.last_seq) + 1 : Number(r.first),
          },
        ]),
      );
    },
  });
  return {
    /** The counters of these conversations; catch-ups asking within one turn of the event loop share the read. */
    async countersOf(ids: string[]): Promise<Map<string, Counters>> {
      const found = await Promise.all(ids.map(counterOf));
      const out = new Map<string, Counters>();
      ids.forEach((id, i) => {
        if (found[i]) out.set(id, found[i]);
      });
      return out;
    },

    async editsOf(wanted: Omit<EditWanted, 'order'>[], max: number): Promise<Map<string, MessageEdit[]>> {
      const out = new Map<string, MessageEdit[]>();
      if (wanted.length === 0) return out;
      const list = pad<EditWanted & { max: number }>(
        wanted.map((w, order) => ({ ...w, order, max })),
        { order: 0, groupId: '', cursor: 0, since: 0, upTo: 0, max },
      );
      for (const r of (await edits(db, list)).rows) {
        const edit = {
          groupId: r.group_id,
          id: r.id,
          seq: Number(r.seq),
          status: r.status,
          changeSeq: Number(r.change_seq),
        };
        out.set(r.group_id, [...(out.get(r.group_id) ?? []), edit]);
      }
      return out;
    },

    /** The messages of each range, in list order then seq order; ranges read lately or being read are not read again. */
    async messagesIn(ranges: MessageRange[]): Promise<MessageView[]> {
      const found = ranges.map((r) => recent.get(r));
      const missing = ranges.filter((_, i) => !found[i]);
      if (missing.length > 0) {
        const list = pad<RangeWanted>(
          missing.map(({ groupId, after, upTo }, order) => ({ groupId, after, upTo, order })),
          { order: 0, groupId: '', after: 0, upTo: 0 },
        );
        // One range per conversation in a catch-up: its rows are the conversation's.
        const byGroup = messages(db, list).then(({ rows }) => {
          const out = new Map<string, MessageView[]>();
          for (const row of rows) {
            const view = toMessageView(row);
            const views = out.get(view.groupId);
            if (views) views.push(view);
            else out.set(view.groupId, [view]);
          }
          return out;
        });
        ranges.forEach((r, i) => {
          if (found[i]) return;
          const views = byGroup.then((m) => m.get(r.groupId) ?? []);
          recent.reading(r, views);
          found[i] = views;
        });
      }
      return (await Promise.all(found.map((views) => Promise.resolve(views ?? [])))).flat();
    },
  };
}

/**
 * Catch-up for many conversations in a bounded few statements, whatever their number: the
 * counters and history floors of all, the edits of those whose change counter moved past the
 * client's, then the messages of every conversation the answer reaches. Seqs are gap-free above a
 * conversation's floor (retention deletes the oldest first), so the counters say how many messages
 * each conversation has after the cursor, and the page is planned before any message is read: each
 * conversation contributes one seq range, and the messages come in one statement.
 *
 * The answer: for each conversation in the order given, the messages after the client's seq cursor
 * in seq order, then the edits of messages it holds after its change cursor in change order;
 * `limit` rows in all (`more` when cut). A conversation answered in full gets its change counter
 * as the next change cursor; one whose history under the cursor was deleted gets its floor.
 */
export function createMessageSync(db: Kysely<Database>) {
  const { countersOf, editsOf, messagesIn } = syncStatements(db);
  return async function syncAfter(
    cursors: [groupId: string, seq: number][],
    changes: Record<string, number>,
    limit: number,
  ): Promise<SyncAnswer> {
    const out: SyncAnswer = { messages: [], edits: [], changes: {}, more: false };
    if (cursors.length === 0) return out;
    // Read first: every edit or message counted here is committed, so the reads after it see it.
    const counters = await countersOf(cursors.map(([g]) => g));
    const state = (g: string) => counters.get(g) ?? { lastSeq: 0, changeSeq: 0, floor: 1 };
    const edits = await editsOf(
      cursors
        .map(([groupId, cursor]) => ({ groupId, cursor, since: changes[groupId] ?? 0, upTo: state(groupId).changeSeq }))
        .filter((w) => w.upTo > w.since),
      limit + 1,
    );

    const ranges: MessageRange[] = [];
    let room = limit;
    for (const [groupId, cursor] of cursors) {
      const s = state(groupId);
      // Retention deleted the history under the cursor: say where it starts, so it is not a gap.
      if (s.floor > cursor + 1) (out.floors ??= {})[groupId] = s.floor;
      const after = Math.max(cursor, s.floor - 1);
      const fresh = Math.max(0, s.lastSeq - after);
      if (fresh > room) {
        if (room > 0) ranges.push({ groupId, changeSeq: s.changeSeq, after, upTo: after + room });
        out.more = true;
        break;
      }
      if (fresh > 0) ranges.push({ groupId, changeSeq: s.changeSeq, after, upTo: s.lastSeq });
      room -= fresh;
      const since = changes[groupId] ?? 0;
      const edited = s.changeSeq > since ? (edits.get(groupId) ?? []) : [];
      if (edited.length > room) {
        const given = edited.slice(0, room);
        out.more = true;
        out.edits.push(...given);
        out.changes[groupId] = given.at(-1)?.changeSeq ?? since;
        break;
      }
      out.edits.push(...edited);
      room -= edited.length;
      out.changes[groupId] = s.changeSeq;
    }
    if (ranges.length > 0) out.messages = await messagesIn(ranges);
    return out;
  };
}
