import type { Kysely, Selectable } from 'kysely';
import type { Actor } from '../auth/permissions.ts';
import {
  conversationNames,
  membersOf,
  messagesInPeriod,
  periodTexts,
  sentBy,
} from '../conversations/conversation-queries.ts';
import { errors } from '../errors.ts';
import type { ReportConversation, ReportDocument, ReportFigures, ReportSummariesBody } from '../protocol/index.ts';
import type { Database, ReportTable } from '../store/schema.ts';
import { conversationLines, renderSections } from './report-text.ts';
import { withoutNames } from './report-topics.ts';

const POST_LEASE_MS = 2 * 60_000;
const CONVERSATION_MESSAGES = 300;
/** Names handed with a conversation, so its topics leave people out (a grid group has a few hundred). */
const CONVERSATION_PEOPLE = 3000;

/** The period a stored report covers. */
export const spanOf = (r: { period_start: number; period_end: number }) => ({
  start: Number(r.period_start),
  end: Number(r.period_end),
});

/**
 * What bots do with a report once it is built: read its busiest conversations, add summaries that
 * cite their messages (the first write wins), and post it exactly once (a claim with a lease).
 */
export function createReportPublishing(deps: {
  db: Kysely<Database>;
  row: (id: string) => Promise<Selectable<ReportTable>>;
  toDocument: (r: Selectable<ReportTable>) => Promise<ReportDocument>;
  now: () => number;
}) {
  const { db, row, toDocument, now } = deps;
  return {
    /** Bots: the busiest conversations of the period, text messages in order, for the summariser. */
    async conversations(actor: Actor, id: string): Promise<ReportConversation[]> {
      if (actor.role !== 'bot') throw errors.forbidden('conversations are handed to bots only');
      const r = await row(id);
      const figures = JSON.parse(r.figures) as ReportFigures;
      const out: ReportConversation[] = [];
      for (const b of figures.groups.busiest) {
        const rows = await periodTexts(db, b.groupId, spanOf(r), CONVERSATION_MESSAGES);
        const members = await membersOf(db, b.groupId, ['active', 'removed']);
        out.push({
          groupId: b.groupId,
          name: b.name,
          people: members.slice(0, CONVERSATION_PEOPLE).map((m) => m.name),
          messages: rows.reverse().map((m) => ({
            id: m.id,
            groupId: m.group_id,
            seq: Number(m.seq),
            senderId: m.sender_id,
            senderName: m.sender_name,
            text: m.text,
            createdAt: Number(m.created_at),
          })),
        });
      }
      return out;
    },

    /** Bots: the summaries and topics; the first write wins, every citation must be a message of its conversation in the period. */
    async storeSummaries(
      actor: Actor,
      id: string,
      body: ReportSummariesBody,
    ): Promise<{ report: ReportDocument; stored: boolean }> {
      if (actor.role !== 'bot') throw errors.forbidden('summaries are written by bots');
      const r = await row(id);
      const figures = JSON.parse(r.figures) as ReportFigures;
      const busiest = new Set(figures.groups.busiest.map((b) => b.groupId));
      for (const c of body.conversations) {
        if (!busiest.has(c.groupId)) throw errors.invalid('a summary is for a conversation this report does not cover');
        const cited = [...new Set(c.sentences.flatMap((s) => s.sources))];
        if (c.sentences.some((s) => s.sources.length === 0))
          throw errors.invalid('every summary sentence cites its messages');
        if (cited.length === 0) continue;
        const found = await messagesInPeriod(db, cited, c.groupId, spanOf(r));
        if (found.length !== cited.length)
          throw errors.invalid('a cited message is not in this conversation and period');
      }
      if (r.summarised_at !== null) return { report: await toDocument(r), stored: false };
      figures.groups.topics = await withoutNames(db, body.topics);
      const names = await conversationNames(
        db,
        body.conversations.map((c) => c.groupId),
      );
      const sections = renderSections(r.kind, figures, conversationLines(body, names));
      const res = await db
        .updateTable('reports')
        .set({ figures: JSON.stringify(figures), sections: JSON.stringify(sections), summarised_at: now() })
        .where('id', '=', id)
        .where('summarised_at', 'is', null)
        // Rebuilt meanwhile (重新生成): these summaries belong to the old figures.
        .where('generated_at', '=', r.generated_at)
        .executeTakeFirst();
      return { report: await toDocument(await row(id)), stored: Number(res.numUpdatedRows) > 0 };
    },

    /** Bots: take the right to post a report; one bot wins, another may take over after a lease. */
    async claimPost(actor: Actor, id: string): Promise<{ claimed: boolean; report: ReportDocument }> {
      if (actor.role !== 'bot') throw errors.forbidden('reports are posted by bots');
      await row(id);
      const t = now();
      const res = await db
        .updateTable('reports')
        .set({ post_claimed_at: t })
        .where('id', '=', id)
        .where('posted_at', 'is', null)
        .where((eb) => eb.or([eb('post_claimed_at', 'is', null), eb('post_claimed_at', '<', t - POST_LEASE_MS)]))
        .executeTakeFirst();
      return { claimed: Number(res.numUpdatedRows) > 0, report: await toDocument(await row(id)) };
    },

    /** Bots: the report went out as this message of theirs. */
    async markPosted(actor: Actor, id: string, at: { groupId: string; seq: number }): Promise<ReportDocument> {
      if (actor.role !== 'bot') throw errors.forbidden('reports are posted by bots');
      await row(id);
      if (!(await sentBy(db, at.groupId, at.seq, actor.id))) throw errors.notFound('message');
      await db
        .updateTable('reports')
        .set({ posted_group_id: at.groupId, posted_seq: at.seq, posted_at: now() })
        .where('id', '=', id)
        .where('posted_at', 'is', null)
        .execute();
      return toDocument(await row(id));
    },
  };
}
