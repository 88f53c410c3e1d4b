import { MAX_MESSAGE_TEXT } from './groups.ts';
import { reportLinkLine, type ReportDocument, type ReportKind, type ReportLang } from './reports.ts';

/** Longest focus line in a digest: the page has them all. */
const FOCUS_CHARS = 60;

/** The words of a digest in one language; figures, names and the focus item's text are filled in. */
interface DigestWords {
  kind: Record<ReportKind, string>;
  /** Day, or day and time, of a period bound. */
  day(p: LocalParts): string;
  dayTime(p: LocalParts): string;
  /** Between the two bounds of a period. */
  to: string;
  title(kind: string, unit: string, period: string): string;
  incidents(total: number, change: string, notable: number): string;
  orders(o: { issued: number; assignments: number; onTime: string; overdue: number }): string;
  hotline(total: number, unanswered: number): string;
  groups(messages: number, openMatters: number, newDisputes: number): string;
  focus(briefing: boolean, text: string, count: number): string;
}

interface LocalParts {
  month: string;
  day: string;
  hour: string;
  minute: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const WORDS: Record<ReportLang, DigestWords> = {
  'zh-CN': {
    kind: { briefing: '早会简报', daily: '日报', weekly: '周报', monthly: '月报' },
    day: (p) => `${p.month}月${p.day}日`,
    dayTime: (p) => `${p.month}月${p.day}日 ${p.hour}:${p.minute}`,
    to: ' 至 ',
    title: (kind, unit, period) => `【${kind}】${unit} ${period}`,
    incidents: (total, change, notable) =>
      `警情 ${total} 起（环比 ${change}）${notable ? `，重点警情 ${notable} 起` : ''}`,
    orders: (o) => `指令 ${o.issued} 条 · ${o.assignments} 人次 · 按时签收率 ${o.onTime} · 超时 ${o.overdue}`,
    hotline: (total, unanswered) => `所长热线 新增 ${total} 条 · 未答复 ${unanswered} 条`,
    groups: (messages, open, disputes) => `网格群 消息 ${messages} 条 · 在办事项 ${open} 件 · 新增纠纷 ${disputes} 件`,
    focus: (briefing, text, count) =>
      `${briefing ? '今日重点' : '重点关注'}：${text}${count > 1 ? ` 等 ${count} 项` : ''}`,
  },
  en: {
    kind: { briefing: 'Morning briefing', daily: 'Daily report', weekly: 'Weekly report', monthly: 'Monthly report' },
    day: (p) => `${MONTHS[Number(p.month) - 1]} ${p.day}`,
    dayTime: (p) => `${MONTHS[Number(p.month) - 1]} ${p.day} ${p.hour}:${p.minute}`,
    to: ' – ',
    title: (kind, unit, period) => `[${kind}] ${unit} ${period}`,
    incidents: (total, change, notable) =>
      `Incidents ${total} (vs previous ${change})${notable ? `, notable ${notable}` : ''}`,
    orders: (o) =>
      `Orders ${o.issued} · assignments ${o.assignments} · acknowledged on time ${o.onTime} · overdue ${o.overdue}`,
    hotline: (total, unanswered) => `Station hotline: new ${total} · unanswered ${unanswered}`,
    groups: (messages, open, disputes) =>
      `Grid groups: messages ${messages} · open matters ${open} · new disputes ${disputes}`,
    focus: (briefing, text, count) =>
      `${briefing ? "Today's focus" : 'Follow up'}: ${text}${count > 1 ? ` (and ${count - 1} more)` : ''}`,
  },
};

function localParts(ms: number, timeZone: string): LocalParts {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone,
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const parts = Object.fromEntries(f.formatToParts(ms).map((p) => [p.type, p.value]));
  return { month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute! };
}

/** The heading of a report: kind, unit and period in the report's time zone. */
export function reportTitle(r: ReportDocument, lang: ReportLang = 'zh-CN'): string {
  const w = WORDS[lang];
  const at = (ms: number) => localParts(ms, r.timeZone);
  const period =
    r.kind === 'briefing'
      ? `${w.dayTime(at(r.periodStart))}${w.to}${w.dayTime(at(r.periodEnd))}`
      : r.kind === 'daily'
        ? w.day(at(r.periodStart))
        : `${w.day(at(r.periodStart))}${w.to}${w.day(at(r.periodEnd - 1))}`;
  return w.title(w.kind[r.kind], r.unit.name, period);
}

const pct = (v: number | null) => (v === null ? '—' : `${v > 0 ? '+' : ''}${v}%`);
const rate = (part: number, whole: number) => (whole === 0 ? '—' : `${Math.round((part / whole) * 1000) / 10}%`);

/**
 * The lines of a report's digest without its link line: the title and the few figures a
 * dispatcher looks at first (incidents and their change, the order loop, the hotline, the grid
 * groups, the first thing to follow up). The bot posts them in Chinese; the web shows the same
 * lines in the reader's language from the report (the focus text comes with the report, in the
 * language it was fetched in).
 */
export function reportDigestLines(r: ReportDocument, lang: ReportLang): string[] {
  const w = WORDS[lang];
  const { incidents: inc, orders: o, groups: g, hotline, focus } = r.figures;
  const lines = [
    reportTitle(r, lang),
    w.incidents(inc.total.current, pct(inc.total.changePct), inc.notable.length),
    w.orders({
      issued: o.issued.current,
      assignments: o.assignments,
      onTime: rate(o.acknowledgedOnTime, o.assignments),
      overdue: o.overdue,
    }),
  ];
  if (hotline.available) {
    const total = Number(hotline.figures.total ?? 0);
    lines.push(w.hotline(total, total - Number(hotline.figures.answered ?? 0)));
  }
  lines.push(w.groups(g.messages.current, g.openMatters, g.newDisputes));
  const first = focus[0];
  if (first) {
    const text = first.text.length > FOCUS_CHARS ? `${first.text.slice(0, FOCUS_CHARS - 1)}…` : first.text;
    lines.push(w.focus(r.kind === 'briefing', text, focus.length));
  }
  return lines;
}

/**
 * The report as one command-room message, in Chinese (what is stored, searched and pushed), its
 * last line the report page's path, which the web shows as a card to the charted report. One
 * normal message: delivered, synced and deduplicated like any other.
 */
export function reportDigest(r: ReportDocument): string {
  return [...reportDigestLines(r, 'zh-CN'), reportLinkLine(r.id)].join('\n').slice(0, MAX_MESSAGE_TEXT);
}
