import type {
  OverdueItem,
  PersonOrderFigures,
  ReportLang,
  ReportSectionKey,
  UnitBreakdown,
} from '../protocol/index.ts';
import { countText, pctText } from './report-labels.ts';

/** A trend as its sentences need it: the count now, before and a year back, and the changes. */
interface TrendWords {
  previous: number | null;
  lastYear: number | null;
  changePct: number | null;
  yearPct: number | null;
}

/** What a focus item (今日重点) says, by its rule; stored with the item so it reads in any language. */
export type FocusFacts =
  | { rule: 'overdue'; name: string; unitName: string; stage: OverdueItem['stage']; title: string }
  | { rule: 'overdue_more'; count: number }
  | { rule: 'open_dispute'; group: string; title: string; days: number }
  | { rule: 'rising'; category: string; current: number; changePct: number | null }
  | { rule: 'open_incidents'; count: number }
  | { rule: 'hotline_unanswered'; count: number };

/**
 * The words of a report in one language: section headings and sentence templates. Data (names,
 * places, order titles, quoted messages, topics) stays as people wrote it.
 */
export interface ReportWords {
  title(key: ReportSectionKey, briefing: boolean): string;
  category(code: string): string;
  status(code: string): string;
  trend(t: TrendWords): string;
  incidents(n: number, trend: string): string;
  categoryLine(category: string, n: number, trend: string): string;
  notable(category: string, number: string, place: string, summary: string, status: string): string;
  none: string;
  issued(n: number, trend: string): string;
  loop(o: {
    assignments: number;
    acknowledged: number;
    acknowledgedOnTime: number;
    completed: number;
    completedOnTime: number;
    overdue: number;
    onTimeShare: string;
  }): string;
  overdueItem(x: Pick<OverdueItem, 'name' | 'unitName' | 'stage' | 'title'>): string;
  noOverdue: string;
  hotlineUnavailable: string;
  hotline(h: {
    total: number;
    unanswered: number;
    overdue: number;
    median: string;
    p90: string;
    ratings: number;
    average: string;
    satisfied: number;
  }): string;
  duration(minutes: number): string;
  groups(g: {
    messages: number;
    changePct: number | null;
    active: number;
    open: number;
    added: number;
    disputes: number;
  }): string;
  topics(list: { term: string; count: number }[]): string;
  noMessages: string;
  summarising(groups: { name: string; messages: number }[]): string;
  nothingToSummarise: string;
  people(list: { name: string; unitName: string }[]): string;
  noDuty: string;
  noFocus: string;
  unit(u: UnitBreakdown): string;
  person(p: PersonOrderFigures): string;
  noOrders: string;
  focus(f: FocusFacts): string;
}

const ZH_TITLES: Record<ReportSectionKey, string> = {
  incidents: '警情',
  notable: '重点警情',
  orders: '指令',
  overdue: '盯办',
  hotline: '所长热线',
  groups: '网格群',
  conversations: '热点会话摘要',
  duty: '当前在岗',
  focus: '重点关注',
  units: '分单位',
  people: '个人指令（在不在、干不干、优不优）',
};
const ZH_CATEGORY: Record<string, string> = {
  criminal: '刑事',
  public_order: '治安',
  assistance: '求助',
  traffic: '交通',
  dispute: '纠纷',
  other: '其他',
};
const ZH_STATUS: Record<string, string> = {
  received: '已接警',
  dispatched: '已派警',
  on_scene: '已到场',
  closed: '已办结',
};

const zh: ReportWords = {
  title: (key, briefing) =>
    briefing && key === 'duty' ? '今日在岗' : briefing && key === 'focus' ? '今日重点' : ZH_TITLES[key],
  category: (c) => ZH_CATEGORY[c] ?? c,
  status: (s) => ZH_STATUS[s] ?? s,
  trend: (t) =>
    `环比 ${pctText(t.changePct)}（上期 ${countText(t.previous)}），同比 ${pctText(t.yearPct)}（去年同期 ${countText(t.lastYear)}）`,
  incidents: (n, trend) => `接报警情 ${n} 起，${trend}。`,
  categoryLine: (c, n, trend) => `${c} ${n} 起，${trend}。`,
  notable: (c, number, place, summary, status) => `【${c}】${number} ${place}：${summary}（${status}）`,
  none: '无。',
  issued: (n, trend) => `下发指令 ${n} 条，${trend}。`,
  loop: (o) =>
    `涉及 ${o.assignments} 人次：签收 ${o.acknowledged}（按时 ${o.acknowledgedOnTime}，按时签收率 ${o.onTimeShare}），办结 ${o.completed}（按时 ${o.completedOnTime}），超时 ${o.overdue}。`,
  overdueItem: (x) => `${x.name}（${x.unitName}）${x.stage === 'ack' ? '未签收' : '未办结'}《${x.title}》`,
  noOverdue: '无超时指令。',
  hotlineUnavailable: '所长热线数据暂不可用。',
  hotline: (h) =>
    `新增 ${h.total} 条，未答复 ${h.unanswered} 条，超时 ${h.overdue} 条；首次答复用时中位 ${h.median}，P90 ${h.p90}；${
      h.ratings ? `满意度 ${h.average} 分（满意率 ${h.satisfied}%，${h.ratings} 条评价）` : '满意度 —（无评价）'
    }。`,
  duration: (m) => (m >= 120 ? `${Math.round(m / 6) / 10} 小时` : `${m} 分钟`),
  groups: (g) =>
    `群消息 ${g.messages} 条（环比 ${pctText(g.changePct)}），活跃群 ${g.active} 个；在办事项 ${g.open} 件，新登记 ${g.added} 件，其中新增纠纷 ${g.disputes} 件。`,
  topics: (list) => `热议话题：${list.map((t) => `${t.term}（${t.count}）`).join('、')}。`,
  noMessages: '本期群内无消息。',
  summarising: (groups) => `摘要生成中：${groups.map((b) => `${b.name}（${b.messages} 条）`).join('、')}。`,
  nothingToSummarise: '无可摘要的内容。',
  people: (list) => list.map((p) => `${p.name}（${p.unitName}）`).join('、'),
  noDuty: '暂无在岗登记。',
  noFocus: '无待办重点。',
  unit: (u) =>
    `${u.name}：警情 ${u.incidents}，指令 ${u.assignments} 人次（按时签收 ${u.acknowledgedOnTime}，按时办结 ${u.completedOnTime}，超时 ${u.overdue}），群消息 ${u.messages}，在办事项 ${u.openMatters}`,
  person: (p) =>
    `${p.name}（${p.unitName}）：接收 ${p.assigned}，按时签收 ${p.acknowledgedOnTime}，办结 ${p.completed}（按时 ${p.completedOnTime}），超时 ${p.overdue}`,
  noOrders: '本期无指令。',
  focus: (f) => {
    switch (f.rule) {
      case 'overdue':
        return `盯办：${zh.overdueItem(f)}`;
      case 'overdue_more':
        return `另有 ${f.count} 项指令超时，逐一盯办`;
      case 'open_dispute':
        return `${f.group}「${f.title}」登记 ${f.days} 天未化解，组织回访调解`;
      case 'rising':
        return `${zh.category(f.category)}警情 ${f.current} 起，环比 ${pctText(f.changePct)}，加强研判和巡防`;
      case 'open_incidents':
        return `${f.count} 起警情尚未办结，跟进处置`;
      case 'hotline_unanswered':
        return `所长热线 ${f.count} 条未答复，尽快回复群众`;
    }
  },
};

const EN_TITLES: Record<ReportSectionKey, string> = {
  incidents: 'Incidents',
  notable: 'Notable incidents',
  orders: 'Orders',
  overdue: 'Overdue follow-up',
  hotline: 'Station-head hotline',
  groups: 'Grid groups',
  conversations: 'Busiest conversations',
  duty: 'On duty now',
  focus: 'Focus',
  units: 'By unit',
  people: 'Orders per person (present, working, doing well?)',
};
const EN_CATEGORY: Record<string, string> = {
  criminal: 'Criminal',
  public_order: 'Public order',
  assistance: 'Assistance',
  traffic: 'Traffic',
  dispute: 'Dispute',
  other: 'Other',
};
const EN_STATUS: Record<string, string> = {
  received: 'received',
  dispatched: 'dispatched',
  on_scene: 'on scene',
  closed: 'closed',
};
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

const en: ReportWords = {
  title: (key, briefing) =>
    briefing && key === 'duty' ? 'On duty today' : briefing && key === 'focus' ? "Today's focus" : EN_TITLES[key],
  category: (c) => EN_CATEGORY[c] ?? c,
  status: (s) => EN_STATUS[s] ?? s,
  trend: (t) =>
    `${pctText(t.changePct)} on the previous period (${countText(t.previous)}), ${pctText(t.yearPct)} on last year (${countText(t.lastYear)})`,
  incidents: (n, trend) => `${plural(n, 'incident')} received, ${trend}.`,
  categoryLine: (c, n, trend) => `${c}: ${n}, ${trend}.`,
  notable: (c, number, place, summary, status) => `[${c}] ${number} ${place}: ${summary} (${status})`,
  none: 'None.',
  issued: (n, trend) => `${plural(n, 'order')} issued, ${trend}.`,
  loop: (o) =>
    `${plural(o.assignments, 'assignment')}: ${o.acknowledged} acknowledged (${o.acknowledgedOnTime} on time, on-time rate ${o.onTimeShare}), ${o.completed} completed (${o.completedOnTime} on time), ${o.overdue} overdue.`,
  overdueItem: (x) =>
    `${x.name} (${x.unitName}) has not ${x.stage === 'ack' ? 'acknowledged' : 'completed'} "${x.title}"`,
  noOverdue: 'No overdue orders.',
  hotlineUnavailable: 'Hotline figures are not available.',
  hotline: (h) =>
    `${h.total} new, ${h.unanswered} unanswered, ${h.overdue} overdue; first answer in ${h.median} (median), ${h.p90} (P90); ${
      h.ratings
        ? `satisfaction ${h.average} (${h.satisfied}% satisfied, ${plural(h.ratings, 'rating')})`
        : 'satisfaction — (no ratings)'
    }.`,
  duration: (m) => (m >= 120 ? `${Math.round(m / 6) / 10} h` : `${m} min`),
  groups: (g) =>
    `${plural(g.messages, 'group message')} (${pctText(g.changePct)} on the previous period), ${plural(g.active, 'active group')}; ${g.open} matters open, ${g.added} newly registered, of them ${plural(g.disputes, 'new dispute')}.`,
  topics: (list) => `Most discussed: ${list.map((t) => `${t.term} (${t.count})`).join(', ')}.`,
  noMessages: 'No group messages in this period.',
  summarising: (groups) =>
    `Summaries being written: ${groups.map((b) => `${b.name} (${plural(b.messages, 'message')})`).join(', ')}.`,
  nothingToSummarise: 'Nothing to summarise.',
  people: (list) => list.map((p) => `${p.name} (${p.unitName})`).join(', '),
  noDuty: 'No one has signed on for duty.',
  noFocus: 'Nothing open to follow up.',
  unit: (u) =>
    `${u.name}: ${u.incidents} incidents, ${u.assignments} assignments (${u.acknowledgedOnTime} acknowledged on time, ${u.completedOnTime} completed on time, ${u.overdue} overdue), ${u.messages} group messages, ${u.openMatters} open matters`,
  person: (p) =>
    `${p.name} (${p.unitName}): ${p.assigned} received, ${p.acknowledgedOnTime} acknowledged on time, ${p.completed} completed (${p.completedOnTime} on time), ${p.overdue} overdue`,
  noOrders: 'No orders in this period.',
  focus: (f) => {
    switch (f.rule) {
      case 'overdue':
        return `Follow up: ${en.overdueItem(f)}`;
      case 'overdue_more':
        return `${plural(f.count, 'more order')} overdue: follow each one up`;
      case 'open_dispute':
        return `${f.group} "${f.title}": registered ${plural(f.days, 'day')} ago and not resolved; arrange a follow-up mediation`;
      case 'rising':
        return `${en.category(f.category)} incidents: ${f.current}, ${pctText(f.changePct)} on the previous period; step up analysis and patrols`;
      case 'open_incidents':
        return `${plural(f.count, 'incident')} not yet closed: follow up`;
      case 'hotline_unanswered':
        return `${plural(f.count, 'hotline letter')} unanswered: reply to the residents soon`;
    }
  },
};

/** The words of a report in a reader's language (Chinese unless English is asked for). */
export function reportWords(lang: ReportLang = 'zh-CN'): ReportWords {
  return lang === 'en' ? en : zh;
}
