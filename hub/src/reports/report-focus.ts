import type { ReportFigures, ReportLang } from '../protocol/index.ts';
import { reportWords, type FocusFacts } from './report-words.ts';

const MAX_FOCUS = 8;
const MAX_OVERDUE = 4;
/** A category is "rising" from this many incidents and this much up on the previous period. */
const RISING_MIN = 3;
const RISING_PCT = 50;

/**
 * 今日重点: what is open or late, by stated rules (each item names its rule):
 * - `overdue`: assignments past their deadline, the earliest first (盯办);
 * - `open_dispute`: disputes registered in a grid group more than three days ago and not resolved;
 * - `rising`: a category with at least 3 incidents and at least 50% up on the previous period;
 * - `open_incidents`: incidents of the period not yet closed;
 * - `hotline_unanswered`: hotline threads without a first answer.
 */
export function focusOf(
  f: Omit<ReportFigures, 'focus'>,
  openDisputes: { title: string; group: string; days: number }[],
): ReportFigures['focus'] {
  const facts: FocusFacts[] = [];
  for (const o of f.orders.overdueList.slice(0, MAX_OVERDUE))
    facts.push({ rule: 'overdue', name: o.name, unitName: o.unitName, stage: o.stage, title: o.title });
  if (f.orders.overdue > MAX_OVERDUE) facts.push({ rule: 'overdue_more', count: f.orders.overdue - MAX_OVERDUE });
  for (const d of openDisputes) facts.push({ rule: 'open_dispute', ...d });
  for (const c of f.incidents.byCategory) {
    if (c.current >= RISING_MIN && c.changePct !== null && c.changePct >= RISING_PCT)
      facts.push({ rule: 'rising', category: c.category, current: c.current, changePct: c.changePct });
  }
  const open = f.incidents.notable.filter((i) => i.status !== 'closed').length;
  if (open > 0) facts.push({ rule: 'open_incidents', count: open });
  if (f.hotline.available) {
    const total = Number(f.hotline.figures.total ?? 0);
    const unanswered = total - Number(f.hotline.figures.answered ?? 0);
    if (unanswered > 0) facts.push({ rule: 'hotline_unanswered', count: unanswered });
  }
  return facts.slice(0, MAX_FOCUS).map((x) => ({
    // More overdue orders than listed is still the overdue rule.
    rule: x.rule === 'overdue_more' ? 'overdue' : x.rule,
    text: reportWords('zh-CN').focus(x),
    facts: x,
  }));
}

/** A focus item in a reader's language: from its facts, or as stored (reports from before facts were kept). */
export function focusText(item: ReportFigures['focus'][number], lang: ReportLang): string {
  return item.facts ? reportWords(lang).focus(item.facts as FocusFacts) : item.text;
}
