import { describe, expect, it } from 'vitest';
import { dailyReport, translator } from './report.fixture.ts';
import { reportFiguresJson, reportFileName, reportMarkdown } from './report-markdown.ts';

describe('a report as Markdown', () => {
  const zh = reportMarkdown(dailyReport(), translator('zh-CN'), 'zh-CN');
  const lines = zh.split('\n');

  it('opens with unit, kind, period and who asked', () => {
    expect(lines[0]).toBe('# 桃源派出所 · 日报');
    expect(zh).toContain('- 时段: 2026年11月22日');
    expect(zh).toContain('(Asia/Shanghai)');
    expect(zh).toContain('由 王调度 请求生成');
  });

  it('keeps every summary sentence, cited ones with their source message ids', () => {
    expect(zh).toContain('### 警情\n\n- 接报警情 12 起，环比 +20%。\n');
    expect(zh).toContain('- 桃源社区第一网格：居民反映夜间停车占道。 (来源消息: m-1, m-2)');
  });

  it('tabulates incidents by category with 环比 and 同比, "—" where no data', () => {
    expect(zh).toContain('| 类别 | 本期 | 上期 | 环比 | 去年同期 | 同比 |');
    expect(zh).toContain('| 接报警情 | 12 | 10 | +20% | — | — |');
    expect(zh).toContain('| 治安 | 5 | 4 | +25% | 6 | -16.7% |');
    expect(zh).toContain('| 纠纷 | 4 | 2 | +100% | — | — |');
    expect(zh).toContain('| 交通 | 0 | 0 | — | — | — |');
  });

  it('escapes a pipe inside a cell so the table keeps its columns', () => {
    expect(zh).toContain('电动车被盗 \\| 已立案');
  });

  it('has the order loop, who is overdue, the hotline, groups, duty and focus', () => {
    expect(zh).toContain('| 下发指令 | 接收人次 | 送达 | 已读 | 已签收 | 按时签收 | 已办结 | 按时办结 | 超时 |');
    expect(zh).toContain('| 6 | 20 | 20 | 19 | 18 | 15 (75%) | 12 | 10 (50%) | 3 |');
    expect(zh).toContain(
      '首次答复用时分布:\n\n| <15分 | 15–30分 | 30–60分 | 1–2时 | 2–4时 | ≥4时 | 未答复 |\n| --- | --- | --- | --- | --- | --- | --- |\n| 2 | 2 | 1 | 1 | 1 | 0 | 2 |',
    );
    expect(zh).toMatch(/\| 李警官 \| 社区警务中队 \| 未签收 \| 核查出租屋 \| .+ \|/);
    expect(zh).toContain('| 9 | 7 | 2 | 25 分钟 | 2 小时 5 分 | 4.5 (75%) |');
    expect(zh).toContain('| 340 | +13.3% | 8 | 5 | 3 | 1 |');
    expect(zh).toContain('热议话题: 停车 (14)');
    expect(zh).toContain('### 在岗人员\n\n王调度 (勤务管理指挥室)');
    expect(zh).toContain('### 重点关注\n\n1. 李警官未签收《核查出租屋》');
    expect(reportMarkdown(dailyReport({ kind: 'briefing' }), translator('zh-CN'), 'zh-CN')).toContain(
      '### 今日重点\n\n1. 李警官',
    );
  });

  it('adds the per-unit and per-person tables to periodic reports, not to briefings', () => {
    expect(zh).toContain('### 分单位');
    expect(zh).toContain('| 社区警务中队 | 7 | 12 | 9 | 6 | 2 | 200 | 3 |');
    expect(zh).toContain('| 李警官 | 社区警务中队 | 4 | 2 | 2 | 1 | 1 |');
    const briefing = reportMarkdown(dailyReport({ kind: 'briefing' }), translator('zh-CN'), 'zh-CN');
    expect(briefing).not.toContain('### 分单位');
    expect(briefing).not.toContain('在不在');
  });

  it('tabulates incidents per local date when the period has more than one, and keeps older reports readable', () => {
    expect(zh).not.toContain('每日警情');
    const week = dailyReport({ kind: 'weekly' });
    week.figures.incidents.daily = [
      { date: '2026-11-21', byCategory: { criminal: 1, dispute: 0 } },
      { date: '2026-11-22', byCategory: { criminal: 0, dispute: 2 } },
    ];
    const md = reportMarkdown(week, translator('zh-CN'), 'zh-CN');
    expect(md).toContain(
      '### 每日警情（按类别）\n\n| 日期 | 合计 | 纠纷 | 刑事 |\n| --- | --- | --- | --- |\n| 2026-11-21 | 1 | 0 | 1 |\n| 2026-11-22 | 2 | 2 | 0 |',
    );
    const { delivered: _d, read: _r, ...orders } = week.figures.orders;
    const older = reportMarkdown(
      dailyReport({ figures: { ...week.figures, orders, incidents: { ...week.figures.incidents, daily: undefined } } }),
      translator('zh-CN'),
      'zh-CN',
    );
    expect(older).toContain('| 6 | 20 | 18 | 15 (75%) | 12 | 10 (50%) | 3 |');
    expect(older).not.toContain('每日警情');
  });

  it('says so when the hotline figures are missing', () => {
    const md = reportMarkdown(
      dailyReport({ figures: { ...dailyReport().figures, hotline: { available: false, reason: 'x' } } }),
      translator('zh-CN'),
      'zh-CN',
    );
    expect(md).toContain('### 所长热线\n\n热线数据暂不可用');
  });

  it('follows the interface language for headings; the summary stays as written', () => {
    const en = reportMarkdown(dailyReport(), translator('en'), 'en');
    expect(en.split('\n')[0]).toBe('# 桃源派出所 · Daily report');
    expect(en).toContain('| Category | This period | Previous | vs previous | Last year | vs last year |');
    expect(en).toContain('| Public order | 5 | 4 | +25% | 6 | -16.7% |');
    expect(en).toContain('接报警情 12 起');
  });

  it('names the files by kind, unit and first day, and exports the figures as JSON', () => {
    expect(reportFileName(dailyReport(), 'md')).toBe('daily-桃源派出所-2026-11-22.md');
    expect(reportFileName(dailyReport({ unit: { id: 'x', name: '海昌 派出所/二', kind: 'station' } }), 'json')).toBe(
      'daily-海昌_派出所_二-2026-11-22.json',
    );
    const json = JSON.parse(reportFiguresJson(dailyReport())) as {
      id: string;
      figures: { orders: { assignments: number } };
      sections?: unknown;
    };
    expect(json.id).toBe('rep-1');
    expect(json.figures.orders.assignments).toBe(20);
    expect(json.sections).toBeUndefined();
  });
});
