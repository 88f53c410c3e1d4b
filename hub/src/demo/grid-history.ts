import type { MatterCategory, MatterStatus } from '../protocol/index.ts';
import type { Dice } from '../org/demo-random.ts';
import type { GridCast } from './history-cast.ts';
import { HOUR, MIN, timeOfDay, type HistoryClock } from './history-clock.ts';
import { CHAT_SCRIPTS, NOTICES, THANKS, type Speaker } from './neighbourhood-lines.ts';
import { STREETS } from './station-lines.ts';

export interface PlannedMessage {
  senderId: string;
  clientId: string;
  text: string;
  at: number;
}

/** A matter raised by message `raised` of the plan (an index), answered by message `answer` if settled. */
export interface PlannedMatter {
  raised: number;
  answer: number | null;
  category: MatterCategory;
  title: string;
  status: MatterStatus;
  assigneeId: string;
  department: string | null;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
}

export interface GridPlan {
  groupId: string;
  messages: PlannedMessage[];
  matters: PlannedMatter[];
}

/** How likely a grid's day holds a resident's conversation, and an officer's notice. */
const CONVERSATION_CHANCE = 0.6;
const NOTICE_CHANCE = 0.12;

/**
 * A month of one grid's group: residents raise problems, the grid worker and the community officer
 * answer and settle them in the group (matters registered on the raising message, answered by the
 * settling one), and the officer posts notices. A conversation begun in the last two days may still
 * be under way: cut before its answer, its matter open.
 */
export function planGrid(d: Dice, grid: GridCast, clock: HistoryClock): GridPlan {
  const plan: GridPlan = { groupId: grid.groupId, messages: [], matters: [] };
  const say = (senderId: string, text: string, at: number) =>
    plan.messages.push({ senderId, clientId: `demo-history-${grid.code}-${plan.messages.length + 1}`, text, at });
  const speakers = (): Record<Speaker, string> => {
    const r = d.pick(grid.residents);
    const others = grid.residents.filter((x) => x !== r);
    return { R: r, R2: d.pick(others), W: grid.worker, O: grid.officer };
  };
  for (const dayStart of clock.dayStarts) {
    const items: { at: number; write: (at: number) => void }[] = [];
    if (d.chance(NOTICE_CHANCE)) {
      const text = d.pick(NOTICES);
      const thanks = Array.from({ length: d.int(0, 3) }, () => [d.pick(grid.residents), d.pick(THANKS)] as const);
      items.push({
        at: timeOfDay(d, dayStart, 8, 11),
        write: (at) => {
          say(grid.officer, text, at);
          thanks.forEach(([who, t], i) => say(who, t, at + (i + 1) * d.int(3, 40) * MIN));
        },
      });
    }
    if (d.chance(CONVERSATION_CHANCE)) {
      const script = d.pick(CHAT_SCRIPTS);
      const who = speakers();
      const cut = d.chance(0.5);
      items.push({
        at: timeOfDay(d, dayStart, 7, 21),
        write: (start) => {
          const first = plan.messages.length;
          // Replies come minutes apart; the settling line can take a few hours (a visit, a repair).
          let at = start;
          const recent = clock.now - start < 2 * 24 * HOUR;
          const lines = script.matter && recent && cut ? script.lines.slice(0, script.matter.answer) : script.lines;
          lines.forEach(([speaker, text], i) => {
            if (i > 0) at += script.matter && i === script.matter.answer ? d.int(40, 300) * MIN : d.int(2, 45) * MIN;
            if (at < clock.now) say(who[speaker], text.replaceAll('{s}', d.pick(STREETS)), at);
          });
          const m = script.matter;
          if (!m || plan.messages.length === first) return;
          const answered = first + m.answer < plan.messages.length ? first + m.answer : null;
          const staff = m.department ? grid.worker : grid.officer;
          const createdAt = plan.messages[first]!.at + d.int(2, 20) * MIN;
          const status: MatterStatus =
            answered !== null
              ? m.department
                ? 'handed_off'
                : 'resolved'
              : createdAt < clock.now - HOUR
                ? 'in_progress'
                : 'open';
          plan.matters.push({
            raised: first,
            answer: answered,
            category: m.category,
            title: m.title,
            status,
            assigneeId: staff,
            department: m.department ?? null,
            createdBy: grid.worker,
            createdAt: Math.min(createdAt, clock.now),
            updatedAt: answered !== null ? plan.messages[answered]!.at : Math.min(createdAt, clock.now),
          });
        },
      });
    }
    // Stored in time order: a message's seq follows its time within the group.
    for (const item of items.sort((a, b) => a.at - b.at)) if (item.at < clock.now) item.write(item.at);
  }
  // Lines of one day's items may interleave (a notice's thanks during a conversation): seq follows time.
  const order = plan.messages.map((m, i) => ({ m, i })).sort((a, b) => a.m.at - b.m.at || a.i - b.i);
  const position = new Map(order.map(({ i }, k) => [i, k]));
  plan.messages = order.map(({ m }) => m);
  for (const matter of plan.matters) {
    matter.raised = position.get(matter.raised)!;
    if (matter.answer !== null) matter.answer = position.get(matter.answer)!;
  }
  return plan;
}
