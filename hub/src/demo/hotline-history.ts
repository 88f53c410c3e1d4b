import type { HotlineHistoryThread } from '../hotline/hotline-history.ts';
import { subjectOf } from '../hotline/hotline-views.ts';
import type { HotlineStatus } from '../protocol/index.ts';
import type { Dice } from '../org/demo-random.ts';
import type { StationCast } from './history-cast.ts';
import { fill, HOUR, MIN, timeOfDay, type HistoryClock } from './history-clock.ts';
import type { PlannedMessage } from './grid-history.ts';
import { HOTLINE_LINES, RATING_COMMENTS } from './neighbourhood-lines.ts';
import { STREETS } from './station-lines.ts';

const RATING_WEIGHTS = { 5: 62, 4: 24, 3: 10, 2: 4 };

/**
 * A month of letters to one station head (微信所长): consultations, requests for help, suggestions,
 * complaints and disputes, answered mostly within the response target (some late, flagged overdue
 * as the sweep would have), handed to another department where they are not police business,
 * settled and rated by the resident; the last two days' letters still open or under way.
 */
export function planHotline(d: Dice, st: StationCast, clock: HistoryClock, responseMs: number): HotlineHistoryThread[] {
  const plans: HotlineHistoryThread[] = [];
  const community = [...st.community.keys()][0] ?? '';
  for (const dayStart of clock.dayStarts) {
    for (let k = d.int(1, 3); k > 0; k--) {
      const line = d.pick(HOTLINE_LINES);
      const created = timeOfDay(d, dayStart, 7, 22);
      if (created >= clock.now) continue;
      const resident = d.pick(st.residents);
      const id = d.id(created);
      const n = plans.length + 1;
      const messages: PlannedMessage[] = [];
      const say = (senderId: string, text: string, at: number) =>
        messages.push({ senderId, clientId: `demo-history-hotline-${st.code}-${n}-${messages.length + 1}`, text, at });
      const opening = fill(d, line.opening, STREETS, community);
      say(resident, opening, created);
      // Mostly inside the target; one in six late.
      const replyAt =
        created + (d.chance(0.84) ? d.int(5, Math.max(6, Math.floor(responseMs / MIN) - 5)) : d.int(70, 240)) * MIN;
      const answered = replyAt < clock.now ? replyAt : null;
      if (answered) say(st.head, line.reply, answered);
      const closingAt = answered ? answered + d.int(2, 48) * HOUR : null;
      const settled = closingAt !== null && closingAt < clock.now && !line.handoff && line.closing !== undefined;
      if (settled) say(resident, line.closing!, closingAt);
      const status: HotlineStatus = settled
        ? 'resolved'
        : answered && line.handoff
          ? 'handed_off'
          : answered
            ? 'in_progress'
            : 'open';
      const score = settled && d.chance(0.75) ? Number(d.weighted(RATING_WEIGHTS)) : null;
      const ratedAt = score !== null ? Math.min(closingAt! + d.int(1, 90) * MIN, clock.now) : null;
      const last = messages[messages.length - 1]!.at;
      const dueAt = created + responseMs;
      plans.push({
        members: [resident, st.head],
        messages,
        row: {
          id,
          station_id: st.id,
          resident_id: resident,
          client_id: `demo-history-${st.code}-${n}`,
          category: line.category,
          status,
          subject: subjectOf(opening),
          place: null,
          created_at: created,
          due_at: dueAt,
          first_answered_at: answered,
          assignee_id: null,
          handoff_department: answered && line.handoff ? line.handoff.department : null,
          handoff_reason: answered && line.handoff ? line.handoff.reason : null,
          handoff_at: answered && line.handoff ? answered : null,
          handoff_by: answered && line.handoff ? st.head : null,
          resolution_summary: settled ? line.reply : null,
          resolved_at: settled ? closingAt : null,
          resolved_by: settled ? st.head : null,
          rating_score: score,
          rating_comment: score !== null ? d.pick(RATING_COMMENTS[score] ?? ['']) : null,
          rated_at: ratedAt,
          // The sweep told the head of every letter left unanswered past its target.
          overdue_flagged_at: (answered ?? clock.now) > dueAt ? dueAt : null,
          staff_read_seq: answered ? messages.length : 0,
          staff_read_at: answered ? last : null,
          follow_up_at: null,
          follow_up_note: null,
          follow_up_done_at: null,
          updated_at: ratedAt ?? last,
        },
      });
    }
  }
  return plans;
}
