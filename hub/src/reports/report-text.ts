import type { ReportFigures, ReportKind, ReportLang, ReportSection, ReportSentence } from '../protocol/index.ts';
import type { ReportSummariesBody } from '../protocol/index.ts';
import { reportWords } from './report-words.ts';

const line = (text: string, sources: string[] = []): ReportSentence => ({ text, sources });
const share = (part: number, whole: number) => (whole === 0 ? '—' : `${Math.round((part / whole) * 1000) / 10}%`);

/**
 * The sections of a briefing or report rendered from its figures, in the reader's language
 * (stored in Chinese; rendered again in English for an English reader). `conversations`: the
 * summariser's cited sentences once a bot has added them (null: not yet), quoted as written.
 */
export function renderSections(
  kind: ReportKind,
  f: ReportFigures,
  conversations: ReportSentence[] | null,
  lang: ReportLang = 'zh-CN',
): ReportSection[] {
  const w = reportWords(lang);
  const briefing = kind === 'briefing';
  const section = (key: ReportSection['key'], sentences: ReportSentence[]): ReportSection => ({
    key,
    title: w.title(key, briefing),
    sentences,
  });
  const inc = f.incidents;
  const o = f.orders;
  const g = f.groups;
  const sections = [
    section('incidents', [
      line(w.incidents(inc.total.current, w.trend(inc.total))),
      ...inc.byCategory.map((c) => line(w.categoryLine(w.category(c.category), c.current, w.trend(c)))),
    ]),
    section(
      'notable',
      inc.notable.length
        ? inc.notable.map((i) =>
            line(w.notable(w.category(i.category), i.number, i.place, i.summary, w.status(i.status))),
          )
        : [line(w.none)],
    ),
    section('orders', [
      line(w.issued(o.issued.current, w.trend(o.issued))),
      line(w.loop({ ...o, onTimeShare: share(o.acknowledgedOnTime, o.assignments) })),
    ]),
    section('overdue', o.overdueList.length ? o.overdueList.map((x) => line(w.overdueItem(x))) : [line(w.noOverdue)]),
    section('hotline', [line(hotlineText(f.hotline, lang))]),
    section('groups', [
      line(
        w.groups({
          messages: g.messages.current,
          changePct: g.messages.changePct,
          active: g.activeGroups,
          open: g.openMatters,
          added: g.newMatters,
          disputes: g.newDisputes,
        }),
      ),
      ...(g.topics.length ? [line(w.topics(g.topics))] : []),
    ]),
    section(
      'conversations',
      g.busiest.length === 0
        ? [line(w.noMessages)]
        : conversations === null
          ? [line(w.summarising(g.busiest))]
          : conversations.length
            ? conversations
            : [line(w.nothingToSummarise)],
    ),
    section('duty', [line(f.onDuty.length ? w.people(f.onDuty) : w.noDuty)]),
    section('focus', f.focus.length ? f.focus.map((x) => line(x.text)) : [line(w.noFocus)]),
  ];
  if (!briefing) {
    sections.push(
      section(
        'units',
        f.units.map((u) => line(w.unit(u))),
      ),
    );
    sections.push(section('people', o.people.length ? o.people.map((p) => line(w.person(p))) : [line(w.noOrders)]));
  }
  return sections;
}

/** The summariser's sentences as report lines: each conversation's first one led by the group's name. */
export function conversationLines(summaries: ReportSummariesBody, names: Map<string, string>): ReportSentence[] {
  const out: ReportSentence[] = [];
  for (const c of summaries.conversations) {
    const name = names.get(c.groupId) ?? '';
    c.sentences.forEach((s, i) => out.push({ text: i === 0 ? `${name}：${s.text}` : s.text, sources: s.sources }));
  }
  return out;
}

function hotlineText(h: ReportFigures['hotline'], lang: ReportLang): string {
  const w = reportWords(lang);
  if (!h.available) return w.hotlineUnavailable;
  const f = h.figures as {
    total?: number;
    answered?: number;
    overdue?: number;
    timeToFirstAnswer?: { medianMs?: number | null; p90Ms?: number | null };
    satisfaction?: { ratings?: number; average?: number | null; satisfiedShare?: number };
  };
  const total = Number(f.total ?? 0);
  const duration = (ms: number | null | undefined) =>
    ms === null || ms === undefined ? '—' : w.duration(Math.round(ms / 60_000));
  const s = f.satisfaction;
  return w.hotline({
    total,
    unanswered: total - Number(f.answered ?? 0),
    overdue: Number(f.overdue ?? 0),
    median: duration(f.timeToFirstAnswer?.medianMs),
    p90: duration(f.timeToFirstAnswer?.p90Ms),
    ratings: s?.ratings ?? 0,
    average: s?.average?.toFixed(1) ?? '—',
    satisfied: Math.round((s?.satisfiedShare ?? 0) * 100),
  });
}
