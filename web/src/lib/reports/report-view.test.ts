import { describe, expect, it } from 'vitest';
import { DAY_START, dailyReport } from './report.fixture.ts';
import {
  countText,
  dayLabel,
  durationText,
  hotlineView,
  incidentBars,
  incidentTrend,
  orderFunnel,
  pctText,
  periodSlug,
  periodText,
  shareText,
} from './report-view.ts';

describe('report figures as the screens show them', () => {
  it('words changes with a sign and "—" where there is nothing to compare', () => {
    expect(pctText(20)).toBe('+20%');
    expect(pctText(-12.5)).toBe('-12.5%');
    expect(pctText(0)).toBe('0%');
    expect(pctText(null)).toBe('—');
    expect(countText(null)).toBe('—');
    expect(countText(0)).toBe('0');
    expect(shareText(null)).toBe('—');
    expect(shareText(15 / 20)).toBe('75%');
  });

  it('charts only categories with incidents in some period, most frequent first', () => {
    const bars = incidentBars(dailyReport().figures.incidents);
    expect(bars.map((b) => b.category)).toEqual(['public_order', 'dispute', 'criminal']);
    expect(bars[1]).toEqual({ category: 'dispute', current: 4, previous: 2, lastYear: null });
  });

  it('stacks incidents per local date by category, most frequent category first, zeros kept', () => {
    const incidents = {
      ...dailyReport().figures.incidents,
      daily: [
        { date: '2026-11-21', byCategory: { criminal: 1, dispute: 0, traffic: 0 } },
        { date: '2026-11-22', byCategory: { criminal: 0, dispute: 3, traffic: 0 } },
        { date: '2026-11-23', byCategory: { criminal: 1, dispute: 2, traffic: 0 } },
      ],
    };
    expect(incidentTrend(incidents)).toEqual({
      categories: ['dispute', 'criminal'],
      days: [
        { date: '2026-11-21', counts: [0, 1], total: 1 },
        { date: '2026-11-22', counts: [3, 0], total: 3 },
        { date: '2026-11-23', counts: [2, 1], total: 3 },
      ],
      max: 3,
    });
    // One date (a daily report) or a report stored before the series existed: no trend chart.
    expect(incidentTrend(dailyReport().figures.incidents)).toBeNull();
    expect(incidentTrend({ ...incidents, daily: undefined })).toBeNull();
    // An empty week still has its days, all zero, scaled to at least 1.
    const empty = incidentTrend({
      ...incidents,
      daily: [
        { date: '2026-11-01', byCategory: {} },
        { date: '2026-11-02', byCategory: {} },
      ],
    });
    expect(empty).toEqual({
      categories: [],
      days: [
        { date: '2026-11-01', counts: [], total: 0 },
        { date: '2026-11-02', counts: [], total: 0 },
      ],
      max: 1,
    });
    expect(dayLabel('2026-11-02')).toBe('11/2');
    expect(dayLabel('2026-11-02', true)).toBe('2');
  });

  it('builds the order funnel over assignments: delivered and read, then acknowledged and completed with on-time shares', () => {
    const steps = orderFunnel(dailyReport().figures.orders);
    expect(steps.map((s) => [s.key, s.count])).toEqual([
      ['assigned', 20],
      ['delivered', 20],
      ['read', 19],
      ['acknowledged', 18],
      ['completed', 12],
    ]);
    expect(steps[2]).toMatchObject({ ofAll: 0.95, onTime: null, onTimeShare: null });
    // A report stored before receipts were counted keeps its three stages.
    const { delivered: _d, read: _r, ...older } = dailyReport().figures.orders;
    const [assigned, acked, done] = orderFunnel(older);
    expect(orderFunnel(older)).toHaveLength(3);
    expect(assigned).toMatchObject({ key: 'assigned', count: 20, ofAll: 1, onTimeShare: null });
    expect(acked).toMatchObject({ key: 'acknowledged', count: 18, ofAll: 0.9, onTime: 15, onTimeShare: 15 / 18 });
    expect(done).toMatchObject({ key: 'completed', count: 12, ofAll: 0.6, onTime: 10, onTimeShare: 10 / 12 });
    const empty = orderFunnel({
      ...dailyReport().figures.orders,
      assignments: 0,
      delivered: 0,
      read: 0,
      acknowledged: 0,
      acknowledgedOnTime: 0,
      completed: 0,
      completedOnTime: 0,
    });
    expect(empty.map((s) => s.ofAll)).toEqual([null, null, null, null, null]);
  });

  it("reads the hotline figures into the hub's fixed bands of time to first answer, and nothing when unavailable", () => {
    const h = hotlineView(dailyReport().figures.hotline);
    expect(h?.bands).toEqual([
      { key: 'lt15m', count: 2 },
      { key: 'm15_30', count: 2 },
      { key: 'm30_60', count: 1 },
      { key: 'h1_2', count: 1 },
      { key: 'h2_4', count: 1 },
      { key: 'ge4h', count: 0 },
      { key: 'unanswered', count: 2 },
    ]);
    // From a hub without the bands (or with malformed ones): within target, late, unanswered.
    const { firstAnswerBands: _b, ...older } = (dailyReport().figures.hotline as { figures: Record<string, unknown> })
      .figures;
    expect(
      hotlineView({
        available: true,
        figures: { ...older, firstAnswerBands: { counts: [1, 'x', 0, 0, 0, 0], unanswered: 0 } },
      })?.bands.map((b) => b.key),
    ).toEqual(['in_target', 'late', 'unanswered']);
    expect(hotlineView({ available: true, figures: older })?.bands).toEqual([
      { key: 'in_target', count: 5 },
      { key: 'late', count: 2 },
      { key: 'unanswered', count: 2 },
    ]);
    expect(h).toMatchObject({
      total: 9,
      answered: 7,
      overdue: 2,
      medianMs: 1_500_000,
      p90Ms: 7_500_000,
      average: 4.5,
      satisfiedShare: 0.75,
    });
    expect(hotlineView({ available: false, reason: 'hotline module not running' })).toBeNull();
    // Loose JSON from an older hub: missing fields read as zero or unknown, never throw.
    expect(hotlineView({ available: true, figures: { total: 'x' } })).toMatchObject({
      total: 0,
      medianMs: null,
      average: null,
      bands: [{ key: 'unanswered', count: 0 }],
    });
  });

  it('words durations in minutes and hours', () => {
    expect(durationText(1_500_000, 'zh-CN')).toBe('25 分钟');
    expect(durationText(7_500_000, 'zh-CN')).toBe('2 小时 5 分');
    expect(durationText(7_200_000, 'en')).toBe('2 h');
    expect(durationText(null, 'en')).toBe('—');
  });

  it("names the period in the report's time zone, the end being exclusive", () => {
    const daily = dailyReport();
    expect(periodText(daily, 'zh-CN')).toContain('2026年11月22日');
    expect(periodSlug(daily)).toBe('2026-11-22');
    const weekly = { ...daily, kind: 'weekly' as const, periodStart: DAY_START - 6 * 86_400_000 };
    expect(periodText(weekly, 'en')).toMatch(/Nov 16\s*–\s*22, 2026/);
    const monthly = {
      ...daily,
      kind: 'monthly' as const,
      periodStart: Date.UTC(2026, 9, 31, 16),
      periodEnd: Date.UTC(2026, 10, 30, 16),
    };
    expect(periodText(monthly, 'zh-CN')).toBe('2026年11月');
    const briefing = {
      ...daily,
      kind: 'briefing' as const,
      periodStart: DAY_START + 8 * 3_600_000,
      periodEnd: DAY_START + 32 * 3_600_000,
    };
    expect(periodText(briefing, 'zh-CN')).toBe('11月22日 08:00 – 11月23日 08:00');
    // Files are named by what they cover: a briefing by the morning it is held, a week by both ends.
    expect(periodSlug(briefing)).toBe('2026-11-23-0800');
    expect(periodSlug({ ...weekly, periodEnd: DAY_START + 86_400_000 })).toBe('2026-11-16_2026-11-22');
    expect(periodSlug(monthly)).toBe('2026-11');
    expect(periodText(weekly, 'zh-CN')).toBe('2026年11月16日至22日');
    // Without the report's zone (a list item), any zone within twelve hours names the same days.
    for (const timeZone of ['UTC', 'America/Halifax', 'Pacific/Auckland']) {
      expect(periodText({ ...daily, timeZone }, 'zh-CN')).toBe(periodText(daily, 'zh-CN'));
      expect(periodText({ ...weekly, timeZone }, 'en')).toBe(periodText(weekly, 'en'));
      expect(periodText({ ...monthly, timeZone }, 'zh-CN')).toBe('2026年11月');
    }
    const across = { ...weekly, periodStart: Date.UTC(2026, 10, 29, 16), periodEnd: Date.UTC(2026, 11, 6, 16) };
    expect(periodText(across, 'zh-CN')).toBe('2026年11月30日至12月6日');
  });
});
