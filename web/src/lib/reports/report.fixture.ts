import type { ReportDocument, Trend } from '@fengqiao/hub/protocol';
import { DICTIONARIES, type LocaleCode } from '../i18n/locales.ts';
import type { Translate } from './report-markdown.ts';

const trend = (current: number, previous: number | null, lastYear: number | null): Trend => ({
  current,
  previous,
  lastYear,
  changePct: previous ? Math.round(((current - previous) / previous) * 1000) / 10 : null,
  yearPct: lastYear ? Math.round(((current - lastYear) / lastYear) * 1000) / 10 : null,
});

/** 2026-11-22 00:00 in Asia/Shanghai. */
export const DAY_START = Date.UTC(2026, 10, 21, 16);

/**
 * A daily report of 桃源派出所 as the protocol shapes it, for tests: two categories with data a
 * year back and one without, an overdue order, hotline figures, a cited conversation sentence.
 */
export function dailyReport(over: Partial<ReportDocument> = {}): ReportDocument {
  return {
    id: 'rep-1',
    kind: 'daily',
    unit: { id: 'st-ty', name: '桃源派出所', kind: 'station' },
    periodStart: DAY_START,
    periodEnd: DAY_START + 86_400_000,
    timeZone: 'Asia/Shanghai',
    trigger: 'request',
    requestedBy: { id: 'u-d', name: '王调度' },
    generatedAt: DAY_START + 86_400_000 + 3_600_000,
    figures: {
      incidents: {
        total: trend(12, 10, null),
        byCategory: [
          { category: 'public_order', ...trend(5, 4, 6) },
          { category: 'dispute', ...trend(4, 2, null) },
          { category: 'criminal', ...trend(3, 4, 1) },
          { category: 'traffic', ...trend(0, 0, null) },
        ],
        daily: [{ date: '2026-11-22', byCategory: { public_order: 5, dispute: 4, criminal: 3 } }],
        notable: [
          {
            id: 'inc-1',
            number: 'TY20261122001',
            category: 'criminal',
            place: '桃源小区3号楼',
            summary: '电动车被盗 | 已立案',
            status: 'dispatched',
            reportedAt: DAY_START + 7_200_000,
          },
        ],
      },
      orders: {
        issued: trend(6, 5, null),
        assignments: 20,
        delivered: 20,
        read: 19,
        acknowledged: 18,
        acknowledgedOnTime: 15,
        completed: 12,
        completedOnTime: 10,
        overdue: 3,
        overdueList: [
          {
            orderId: 'o-1',
            title: '核查出租屋',
            userId: 'u-li',
            name: '李警官',
            unitName: '社区警务中队',
            stage: 'ack',
            dueAt: DAY_START + 36_000_000,
          },
        ],
        people: [
          {
            userId: 'u-li',
            name: '李警官',
            unitName: '社区警务中队',
            assigned: 4,
            acknowledged: 3,
            acknowledgedOnTime: 2,
            completed: 2,
            completedOnTime: 1,
            overdue: 1,
          },
        ],
      },
      hotline: {
        available: true,
        figures: {
          total: 9,
          answered: 7,
          answeredInTarget: 5,
          overdue: 2,
          timeToFirstAnswer: { count: 7, medianMs: 1_500_000, p90Ms: 7_500_000 },
          firstAnswerBands: { counts: [2, 2, 1, 1, 1, 0], unanswered: 2 },
          satisfaction: { ratings: 4, average: 4.5, satisfiedShare: 0.75 },
        },
      },
      groups: {
        messages: trend(340, 300, null),
        activeGroups: 8,
        openMatters: 5,
        newMatters: 3,
        newDisputes: 1,
        topics: [{ term: '停车', count: 14 }],
        busiest: [{ groupId: 'g-1', name: '桃源社区第一网格', messages: 120 }],
      },
      onDuty: [{ userId: 'u-d', name: '王调度', role: 'dispatcher', unitName: '勤务管理指挥室' }],
      units: [
        {
          unitId: 'sq-1',
          name: '社区警务中队',
          kind: 'squad',
          incidents: 7,
          assignments: 12,
          acknowledgedOnTime: 9,
          completedOnTime: 6,
          overdue: 2,
          messages: 200,
          openMatters: 3,
        },
      ],
      focus: [{ text: '李警官未签收《核查出租屋》', rule: 'overdue_ack' }],
    },
    sections: [
      { key: 'incidents', title: '警情', sentences: [{ text: '接报警情 12 起，环比 +20%。', sources: [] }] },
      {
        key: 'conversations',
        title: '热点会话摘要',
        sentences: [{ text: '桃源社区第一网格：居民反映夜间停车占道。', sources: ['m-1', 'm-2'] }],
      },
    ],
    summarised: true,
    posted: null,
    ...over,
  };
}

/** The app's `t` over one dictionary, outside Svelte. */
export function translator(code: LocaleCode): Translate {
  return (key, params) =>
    DICTIONARIES[code][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
      params?.[name] === undefined ? whole : String(params[name]),
    );
}
