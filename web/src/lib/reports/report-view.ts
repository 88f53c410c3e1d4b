import type { HotlineSection, IncidentFigures, OrderFigures, ReportDocument, Trend } from '@fengqiao/hub/protocol';

/**
 * What the report screens and the Markdown export derive from a report document: figures worded
 * the way the report words them ("—" where there is nothing to compare), chart series, and the
 * period as people name it. Pure, so tests hold it against constructed documents.
 */

/** A count, or "—" when there is no data that far back. */
export function countText(n: number | null): string {
  return n === null ? '—' : String(n);
}

/** A percent change with its sign (环比 / 同比), or "—" when it cannot be computed. */
export function pctText(pct: number | null): string {
  if (pct === null) return '—';
  const fixed = Math.abs(pct).toFixed(1).replace(/\.0$/, '');
  return pct > 0 ? `+${fixed}%` : pct < 0 ? `-${fixed}%` : '0%';
}

/** part / whole as a share 0–1, or null when the whole is zero. */
export function share(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

/** A share as a rounded percent ("87.5%"), or "—". */
export function shareText(s: number | null): string {
  return s === null ? '—' : `${(Math.round(s * 1000) / 10).toString()}%`;
}

/** Which way a trend went, for colouring: more incidents is bad news, more messages is not. */
export function trendDirection(t: Pick<Trend, 'changePct'>): 'up' | 'down' | 'flat' | 'none' {
  if (t.changePct === null) return 'none';
  return t.changePct > 0 ? 'up' : t.changePct < 0 ? 'down' : 'flat';
}

/** One category of the incident chart: this period beside the previous one and last year's. */
export interface IncidentBar {
  category: string;
  current: number;
  previous: number | null;
  lastYear: number | null;
}

/** Categories that had any incident in any of the three periods, most frequent now first. */
export function incidentBars(f: IncidentFigures): IncidentBar[] {
  return f.byCategory
    .filter((c) => c.current > 0 || (c.previous ?? 0) > 0 || (c.lastYear ?? 0) > 0)
    .map((c) => ({ category: c.category, current: c.current, previous: c.previous, lastYear: c.lastYear }))
    .sort((a, b) => b.current - a.current || (b.previous ?? 0) - (a.previous ?? 0));
}

/** The incidents of one local date, one count per category of {@link IncidentTrend.categories}. */
export interface IncidentTrendDay {
  date: string;
  counts: number[];
  total: number;
}

/** Incidents per local date, stacked by category: categories most frequent first. */
export interface IncidentTrend {
  categories: string[];
  days: IncidentTrendDay[];
  /** The largest day's total (at least 1), the height the chart scales to. */
  max: number;
}

/**
 * The per-date series of a report, or null when the report has none (stored before the hub
 * counted it) or covers a single date, where the category chart says it all.
 */
export function incidentTrend(f: IncidentFigures): IncidentTrend | null {
  const daily = f.daily;
  if (!daily || daily.length < 2) return null;
  const totals = new Map<string, number>();
  for (const d of daily) for (const [c, n] of Object.entries(d.byCategory)) totals.set(c, (totals.get(c) ?? 0) + n);
  const categories = [...totals]
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([c]) => c);
  const days = daily.map((d) => {
    const counts = categories.map((c) => d.byCategory[c] ?? 0);
    return { date: d.date, counts, total: counts.reduce((a, b) => a + b, 0) };
  });
  return { categories, days, max: Math.max(1, ...days.map((d) => d.total)) };
}

/** A local date `YYYY-MM-DD` as an axis label: "11/22" (or "22" when `dayOnly`). */
export function dayLabel(date: string, dayOnly = false): string {
  const [, m, d] = date.split('-').map(Number) as [number, number, number];
  return dayOnly ? String(d) : `${m}/${d}`;
}

/** One stage of the order loop: how many assignments reached it, and how many of those in time. */
export interface FunnelStep {
  key: 'assigned' | 'delivered' | 'read' | 'acknowledged' | 'completed';
  count: number;
  /** Share of all assignments (the bar's length). */
  ofAll: number | null;
  /** Reached in time, and its share of those that reached the stage; null where there is no deadline (assigned, delivered, read). */
  onTime: number | null;
  onTimeShare: number | null;
}

/**
 * The order loop over the period's assignments: assigned → delivered → read → acknowledged →
 * completed (a report stored before the hub counted receipts: assigned → acknowledged → completed).
 */
export function orderFunnel(o: OrderFigures): FunnelStep[] {
  const all = o.assignments;
  const receipt = (key: 'delivered' | 'read', count: number | undefined): FunnelStep[] =>
    count === undefined ? [] : [{ key, count, ofAll: share(count, all), onTime: null, onTimeShare: null }];
  return [
    { key: 'assigned', count: all, ofAll: share(all, all), onTime: null, onTimeShare: null },
    ...receipt('delivered', o.delivered),
    ...receipt('read', o.read),
    {
      key: 'acknowledged',
      count: o.acknowledged,
      ofAll: share(o.acknowledged, all),
      onTime: o.acknowledgedOnTime,
      onTimeShare: share(o.acknowledgedOnTime, o.acknowledged),
    },
    {
      key: 'completed',
      count: o.completed,
      ofAll: share(o.completed, all),
      onTime: o.completedOnTime,
      onTimeShare: share(o.completedOnTime, o.completed),
    },
  ];
}

/** The hotline's figures a report shows, read defensively: the protocol passes them as loose JSON. */
export interface HotlineView {
  total: number;
  answered: number;
  answeredInTarget: number | null;
  overdue: number;
  medianMs: number | null;
  p90Ms: number | null;
  ratings: number;
  average: number | null;
  satisfiedShare: number | null;
  /**
   * Time to first answer in bands: the hub's fixed bands (< 15 min … ≥ 4 h) and the unanswered;
   * from a hub that had no bands yet, within the response target, later, not answered yet.
   */
  bands: { key: HotlineBandKey; count: number }[];
}

/** The fixed bands of the hub's `FIRST_ANSWER_BANDS_MS`, in order, then the open-ended last one. */
export const ANSWER_BAND_KEYS = ['lt15m', 'm15_30', 'm30_60', 'h1_2', 'h2_4', 'ge4h'] as const;
export type HotlineBandKey = (typeof ANSWER_BAND_KEYS)[number] | 'in_target' | 'late' | 'unanswered';

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const obj = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};

/** The hotline section as figures, or null when the report says they are not available. */
export function hotlineView(h: HotlineSection): HotlineView | null {
  if (!h.available) return null;
  const f = h.figures;
  const total = num(f.total) ?? 0;
  const answered = num(f.answered) ?? 0;
  const inTarget = num(f.answeredInTarget);
  const first = obj(f.timeToFirstAnswer);
  const sat = obj(f.satisfaction);
  const ratings = num(sat.ratings) ?? 0;
  const fixed = obj(f.firstAnswerBands);
  const counts =
    Array.isArray(fixed.counts) && fixed.counts.length === ANSWER_BAND_KEYS.length ? fixed.counts.map(num) : null;
  const bands: HotlineView['bands'] =
    counts && !counts.includes(null)
      ? [
          ...ANSWER_BAND_KEYS.map((key, i) => ({ key, count: counts[i]! })),
          { key: 'unanswered', count: num(fixed.unanswered) ?? total - answered },
        ]
      : inTarget === null
        ? [{ key: 'unanswered', count: total - answered }]
        : [
            { key: 'in_target', count: inTarget },
            { key: 'late', count: answered - inTarget },
            { key: 'unanswered', count: total - answered },
          ];
  return {
    total,
    answered,
    answeredInTarget: inTarget,
    overdue: num(f.overdue) ?? 0,
    medianMs: num(first.medianMs),
    p90Ms: num(first.p90Ms),
    ratings,
    average: ratings > 0 ? num(sat.average) : null,
    satisfiedShare: ratings > 0 ? num(sat.satisfiedShare) : null,
    bands,
  };
}

/** A duration in ms as minutes or hours and minutes ("42 分钟", "2 小时 5 分"), or "—". */
export function durationText(ms: number | null, lang: 'zh-CN' | 'en'): string {
  if (ms === null) return '—';
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return lang === 'en' ? `${minutes} min` : `${minutes} 分钟`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (lang === 'en') return m ? `${h} h ${m} min` : `${h} h`;
  return m ? `${h} 小时 ${m} 分` : `${h} 小时`;
}

const HALF_DAY = 43_200_000;

/**
 * The period as people name it: a briefing's 24 hours with times, a day, a week's first and last
 * day, a month, in the report's own zone (the browser's may differ). Days are read half a day
 * inside the period's edges, so a zone within twelve hours of the report's names the same days.
 */
export function periodText(
  r: Pick<ReportDocument, 'kind' | 'periodStart' | 'periodEnd'> & { timeZone?: string },
  lang: 'zh-CN' | 'en',
): string {
  const fmt = (opts: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(lang, { timeZone: r.timeZone, ...opts });
  switch (r.kind) {
    case 'briefing': {
      const f = fmt({ month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
      return `${f.format(r.periodStart)} – ${f.format(r.periodEnd)}`;
    }
    case 'daily':
      return fmt({ year: 'numeric', month: lang === 'en' ? 'short' : 'long', day: 'numeric', weekday: 'short' }).format(
        r.periodStart + HALF_DAY,
      );
    case 'weekly':
      return lang === 'en'
        ? fmt({ year: 'numeric', month: 'short', day: 'numeric' }).formatRange(
            r.periodStart + HALF_DAY,
            r.periodEnd - HALF_DAY,
          )
        : zhRange(r.periodStart + HALF_DAY, r.periodEnd - HALF_DAY, r.timeZone);
    case 'monthly':
      return fmt({ year: 'numeric', month: 'long' }).format((r.periodStart + r.periodEnd) / 2);
  }
}

/** "2026年11月16日至22日" (ICU words Chinese date ranges with slashes). */
function zhRange(from: number, to: number, timeZone: string | undefined): string {
  const parts = (ms: number) => {
    const p = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
    }).formatToParts(ms);
    const get = (type: string) => Number(p.find((x) => x.type === type)?.value);
    return { y: get('year'), m: get('month'), d: get('day') };
  };
  const a = parts(from);
  const b = parts(to);
  const end = a.y !== b.y ? `${b.y}年${b.m}月${b.d}日` : a.m !== b.m ? `${b.m}月${b.d}日` : `${b.d}日`;
  return `${a.y}年${a.m}月${a.d}日至${end}`;
}

/** A moment as short date and time in the report's own zone ("11月22日 09:30"). */
export function momentText(ms: number, lang: 'zh-CN' | 'en', timeZone: string, withYear = false): string {
  return new Intl.DateTimeFormat(lang, {
    timeZone,
    year: withYear ? 'numeric' : undefined,
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(ms);
}

/** The local date `YYYY-MM-DD` and time `HHMM` of a moment in a zone. */
function localStamp(ms: number, timeZone: string): { date: string; time: string } {
  const p = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(ms);
  const get = (type: string) => p.find((x) => x.type === type)?.value ?? '';
  return { date: `${get('year')}-${get('month')}-${get('day')}`, time: `${get('hour')}${get('minute')}` };
}

/**
 * The period a file is named by, in the report's time zone whatever the browser's: a day's date,
 * a week's first and last dates, a month, and a briefing by the morning it is held (its end:
 * "2026-11-23-0800", the 24 hours before 08:00 that day).
 */
export function periodSlug(r: Pick<ReportDocument, 'kind' | 'periodStart' | 'periodEnd' | 'timeZone'>): string {
  const start = localStamp(r.periodStart, r.timeZone);
  switch (r.kind) {
    case 'briefing': {
      const end = localStamp(r.periodEnd, r.timeZone);
      return `${end.date}-${end.time}`;
    }
    case 'daily':
      return start.date;
    case 'weekly':
      return `${start.date}_${localStamp(r.periodEnd - 1, r.timeZone).date}`;
    case 'monthly':
      return start.date.slice(0, 7);
  }
}
