import { MAX_MESSAGE_TEXT, type ReportDocument } from '@fengqiao/hub/protocol';

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

/**
 * The report as group messages: title, then each section as a heading and numbered lines, cut at
 * section (or, for a very long section, line) boundaries so no message exceeds the hub's limit.
 * A line that cites messages ends with a mark (〔n 条原文〕); the cited ids live in the report.
 */
export function reportMessages(r: ReportDocument, max = MAX_MESSAGE_TEXT): string[] {
  const blocks: string[] = [reportTitle(r)];
  for (const s of r.sections) {
    const lines = s.sentences.map(
      (x, i) =>
        `${s.sentences.length > 1 ? `${i + 1}. ` : ''}${x.text}${x.sources.length ? `〔${x.sources.length} 条原文〕` : ''}`,
    );
    blocks.push([`■ ${s.title}`, ...lines].join('\n'));
  }
  const out: string[] = [];
  let cur = '';
  const push = (piece: string) => {
    const next = cur ? `${cur}\n\n${piece}` : piece;
    if (next.length <= max) return void (cur = next);
    if (cur) out.push(cur);
    cur = piece.length <= max ? piece : '';
    if (piece.length > max) {
      for (const l of piece.split('\n')) {
        const withLine = cur ? `${cur}\n${l}` : l;
        if (withLine.length <= max) cur = withLine;
        else {
          if (cur) out.push(cur);
          cur = l.slice(0, max);
        }
      }
    }
  };
  for (const b of blocks) push(b);
  if (cur) out.push(cur);
  return out;
}
