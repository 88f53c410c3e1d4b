import { MAX_MESSAGE_TEXT, reportLinkLine, type ReportDocument } from '@fengqiao/hub/protocol';

const KIND_ZH = { briefing: '早会简报', daily: '日报', weekly: '周报', monthly: '月报' } as const;

function parts(ms: number, tz: string): Record<string, string> {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return Object.fromEntries(f.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
}
function localDay(ms: number, tz: string): string {
  const p = parts(ms, tz);
  return `${p.month}月${p.day}日`;
}
function localDayTime(ms: number, tz: string): string {
  const p = parts(ms, tz);
  return `${p.month}月${p.day}日 ${p.hour}:${p.minute}`;
}

/** The heading of a report: kind, unit and period in the report's time zone. */
export function reportTitle(r: ReportDocument): string {
  const tz = r.timeZone;
  const period =
    r.kind === 'briefing'
      ? `${localDayTime(r.periodStart, tz)} 至 ${localDayTime(r.periodEnd, tz)}`
      : r.kind === 'daily'
        ? localDay(r.periodStart, tz)
        : `${localDay(r.periodStart, tz)} 至 ${localDay(r.periodEnd - 1, tz)}`;
  return `【${KIND_ZH[r.kind]}】${r.unit.name} ${period}`;
}

const pct = (v: number | null) => (v === null ? '—' : `${v > 0 ? '+' : ''}${v}%`);
const rate = (part: number, whole: number) => (whole === 0 ? '—' : `${Math.round((part / whole) * 1000) / 10}%`);
/** Longest focus line in a digest: the page has them all. */
const FOCUS_CHARS = 60;

/**
 * The report as one command-room message: its title, the few figures a dispatcher looks at first
 * (incidents and their change, the order loop, the hotline, the grid groups, the first thing to
 * follow up) and, on the last line, the report page's path, which the web shows as a card to
 * the charted report with its cited sources. One normal message: delivered, synced and
 * deduplicated like any other.
 */
export function reportDigest(r: ReportDocument): string {
  const f = r.figures;
  const inc = f.incidents;
  const o = f.orders;
  const g = f.groups;
  const lines = [reportTitle(r)];
  lines.push(
    `警情 ${inc.total.current} 起（环比 ${pct(inc.total.changePct)}）${inc.notable.length ? `，重点警情 ${inc.notable.length} 起` : ''}`,
  );
  lines.push(
    `指令 ${o.issued.current} 条 · ${o.assignments} 人次 · 按时签收率 ${rate(o.acknowledgedOnTime, o.assignments)} · 超时 ${o.overdue}`,
  );
  if (f.hotline.available) {
    const total = Number(f.hotline.figures.total ?? 0);
    lines.push(`所长热线 新增 ${total} 条 · 未答复 ${total - Number(f.hotline.figures.answered ?? 0)} 条`);
  }
  lines.push(`网格群 消息 ${g.messages.current} 条 · 在办事项 ${g.openMatters} 件 · 新增纠纷 ${g.newDisputes} 件`);
  const first = f.focus[0];
  if (first) {
    const text = first.text.length > FOCUS_CHARS ? `${first.text.slice(0, FOCUS_CHARS - 1)}…` : first.text;
    lines.push(
      `${r.kind === 'briefing' ? '今日重点' : '重点关注'}：${text}${f.focus.length > 1 ? ` 等 ${f.focus.length} 项` : ''}`,
    );
  }
  lines.push(reportLinkLine(r.id));
  return lines.join('\n').slice(0, MAX_MESSAGE_TEXT);
}
