import type { ReportFigures } from '../protocol/index.ts';
import { CATEGORY_ZH, pctText } from './report-labels.ts';

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
  const out: ReportFigures['focus'] = [];
  for (const o of f.orders.overdueList.slice(0, MAX_OVERDUE)) {
    out.push({
      rule: 'overdue',
      text: `盯办：${o.name}（${o.unitName}）${o.stage === 'ack' ? '未签收' : '未办结'}《${o.title}》`,
    });
  }
  if (f.orders.overdue > MAX_OVERDUE)
    out.push({ rule: 'overdue', text: `另有 ${f.orders.overdue - MAX_OVERDUE} 项指令超时，逐一盯办` });
  for (const d of openDisputes)
    out.push({ rule: 'open_dispute', text: `${d.group}「${d.title}」登记 ${d.days} 天未化解，组织回访调解` });
  for (const c of f.incidents.byCategory) {
    if (c.current >= RISING_MIN && c.changePct !== null && c.changePct >= RISING_PCT) {
      out.push({
        rule: 'rising',
        text: `${CATEGORY_ZH[c.category] ?? c.category}警情 ${c.current} 起，环比 ${pctText(c.changePct)}，加强研判和巡防`,
      });
    }
  }
  const open = f.incidents.notable.filter((i) => i.status !== 'closed').length;
  if (open > 0) out.push({ rule: 'open_incidents', text: `${open} 起警情尚未办结，跟进处置` });
  if (f.hotline.available) {
    const total = Number(f.hotline.figures.total ?? 0);
    const unanswered = total - Number(f.hotline.figures.answered ?? 0);
    if (unanswered > 0) out.push({ rule: 'hotline_unanswered', text: `所长热线 ${unanswered} 条未答复，尽快回复群众` });
  }
  return out.slice(0, MAX_FOCUS);
}
