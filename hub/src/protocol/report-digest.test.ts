import { describe, expect, it } from 'vitest';
import { reportDigest, reportDigestLines, reportTitle } from './report-digest.ts';
import { reportLinkOf, type ReportDocument } from './reports.ts';

const base = {
  id: 'r1',
  unit: { id: 'u1', name: '桃源派出所', kind: 'station' },
  timeZone: 'Asia/Shanghai',
  trigger: 'schedule',
  requestedBy: null,
  generatedAt: 0,
  summarised: true,
  posted: null,
} as const;
// 2026-11-22 07:30 → 2026-11-23 07:30 in Shanghai.
const periodEnd = Date.UTC(2026, 10, 22, 23, 30);

function report(kind: ReportDocument['kind'], sections: ReportDocument['sections']): ReportDocument {
  return {
    ...base,
    kind,
    periodStart: periodEnd - 86_400_000,
    periodEnd,
    figures: {} as ReportDocument['figures'],
    sections,
  };
}

const trend = (current: number, changePct: number | null) => ({
  current,
  previous: null,
  lastYear: null,
  changePct,
  yearPct: null,
});
const figures = {
  incidents: { total: trend(4, 33.3), byCategory: [], notable: [{ id: 'i1' }] },
  orders: { issued: trend(1, null), assignments: 2, acknowledgedOnTime: 1, overdue: 1 },
  hotline: { available: true, figures: { total: 3, answered: 2 } },
  groups: { messages: trend(12, -20), openMatters: 3, newDisputes: 1 },
  focus: [
    { rule: 'overdue', text: `盯办：张三（桃源派出所）未签收《${'核查出租屋'.repeat(20)}》` },
    { rule: 'open_incidents', text: '1 起警情尚未办结，跟进处置' },
  ],
} as unknown as ReportDocument['figures'];

describe('a report as a command-room message', () => {
  it('titles it with kind, unit and local period', () => {
    expect(reportTitle(report('briefing', []))).toBe('【早会简报】桃源派出所 11月22日 07:30 至 11月23日 07:30');
    const weekly = {
      ...report('weekly', []),
      periodStart: Date.UTC(2026, 10, 15, 16),
      periodEnd: Date.UTC(2026, 10, 22, 16),
    };
    expect(reportTitle(weekly)).toBe('【周报】桃源派出所 11月16日 至 11月22日');
  });

  it('digests a report in a few lines of key figures, the last one linking to its page', () => {
    const text = reportDigest({ ...report('briefing', []), id: '01JREPORT', figures });
    expect(text.split('\n')).toEqual([
      '【早会简报】桃源派出所 11月22日 07:30 至 11月23日 07:30',
      '警情 4 起（环比 +33.3%），重点警情 1 起',
      '指令 1 条 · 2 人次 · 按时签收率 50% · 超时 1',
      '所长热线 新增 3 条 · 未答复 1 条',
      '网格群 消息 12 条 · 在办事项 3 件 · 新增纠纷 1 件',
      expect.stringMatching(/^今日重点：盯办：张三（桃源派出所）未签收《核查出租屋.{20,}… 等 2 项$/u),
      '查看完整报表：/reports/01JREPORT',
    ]);
    expect(reportLinkOf(text)).toEqual({ reportId: '01JREPORT', body: text.slice(0, text.lastIndexOf('\n')) });
    // Nothing else reads as a report link: a person typing the line mid-message, or another path.
    expect(reportLinkOf('查看完整报表：/reports/01JREPORT')).toBeNull();
    expect(reportLinkOf('看\n查看完整报表：/reports/../admin')).toBeNull();
  });

  it('renders the same digest in English for an English reader, figures and names as they are', () => {
    const doc = { ...report('briefing', []), id: '01JREPORT', figures };
    expect(reportDigestLines(doc, 'en')).toEqual([
      '[Morning briefing] 桃源派出所 Nov 22 07:30 – Nov 23 07:30',
      'Incidents 4 (vs previous +33.3%), notable 1',
      'Orders 1 · assignments 2 · acknowledged on time 50% · overdue 1',
      'Station hotline: new 3 · unanswered 1',
      'Grid groups: messages 12 · open matters 3 · new disputes 1',
      expect.stringMatching(/^Today's focus: 盯办：张三.{40,}… \(and 1 more\)$/u),
    ]);
    // The Chinese lines are the posted message without its link line.
    expect(reportDigestLines(doc, 'zh-CN').join('\n')).toBe(reportLinkOf(reportDigest(doc))!.body);
  });

  it('titles daily and weekly reports in English by their local days, and leaves out what a report lacks', () => {
    const weekly = {
      ...report('weekly', []),
      periodStart: Date.UTC(2026, 10, 15, 16),
      periodEnd: Date.UTC(2026, 10, 22, 16),
    };
    expect(reportTitle(weekly, 'en')).toBe('[Weekly report] 桃源派出所 Nov 16 – Nov 22');
    const quiet = {
      ...figures,
      incidents: { ...figures.incidents, notable: [] },
      hotline: { available: false },
      focus: [],
    } as unknown as ReportDocument['figures'];
    const daily = { ...report('daily', []), periodStart: Date.UTC(2026, 10, 21, 16), figures: quiet };
    expect(reportDigestLines(daily, 'en')).toEqual([
      '[Daily report] 桃源派出所 Nov 22',
      'Incidents 4 (vs previous +33.3%)',
      'Orders 1 · assignments 2 · acknowledged on time 50% · overdue 1',
      'Grid groups: messages 12 · open matters 3 · new disputes 1',
    ]);
  });
});
