import { describe, expect, it } from 'vitest';
import type { ReportFigures } from '../protocol/index.ts';
import { focusOf, focusText } from './report-focus.ts';
import { renderSections } from './report-text.ts';

const trend = (current: number, previous: number | null, changePct: number | null) => ({
  current,
  previous,
  lastYear: null,
  changePct,
  yearPct: null,
});

/** A station's day: a few incidents, one overdue order, a quiet hotline, one busy grid group. */
function figures(): Omit<ReportFigures, 'focus'> {
  return {
    incidents: {
      total: trend(6, 3, 100),
      byCategory: [{ category: 'public_order', ...trend(4, 1, 300) }],
      notable: [
        {
          id: 'i1',
          number: 'J-1',
          category: 'criminal',
          place: '桃源小区',
          summary: '电动车被盗',
          status: 'dispatched',
          reportedAt: 0,
        },
      ],
    },
    orders: {
      issued: trend(2, null, null),
      assignments: 4,
      acknowledged: 3,
      acknowledgedOnTime: 2,
      completed: 1,
      completedOnTime: 1,
      overdue: 1,
      overdueList: [
        {
          orderId: 'o1',
          title: '核查出租屋',
          userId: 'u1',
          name: '李明',
          unitName: '社区中队',
          stage: 'ack',
          dueAt: 0,
        },
      ],
      people: [],
    },
    hotline: { available: true, figures: { total: 2, answered: 1, overdue: 0 } },
    groups: {
      messages: trend(12, 10, 20),
      activeGroups: 1,
      openMatters: 1,
      newMatters: 1,
      newDisputes: 0,
      topics: [{ term: '路灯', count: 3 }],
      busiest: [{ groupId: 'g1', name: '桃源一网格', messages: 12 }],
    },
    onDuty: [{ userId: 'u1', name: '李明', role: 'officer', unitName: '社区中队' }],
    units: [],
  };
}

const HAN = /\p{Script=Han}/u;

describe('report text in the reader language', () => {
  const f = figures();
  const focus = focusOf(f, [{ title: '楼道堆物', group: '桃源一网格', days: 4 }]);
  const full: ReportFigures = { ...f, focus };
  const quoted = [{ text: '桃源一网格：东门路灯坏了，物业明天来修。', sources: ['m1'] }];

  it('stores Chinese: headings, sentences and focus items as the station reads them', () => {
    const zh = renderSections('daily', full, quoted);
    expect(zh.map((s) => s.title).slice(0, 3)).toEqual(['警情', '重点警情', '指令']);
    expect(zh[0]!.sentences[0]!.text).toBe('接报警情 6 起，环比 +100%（上期 3），同比 —（去年同期 —）。');
    expect(focus.map((x) => x.text)).toContain('盯办：李明（社区中队）未签收《核查出租屋》');
    expect(focus.map((x) => x.text)).toContain('治安警情 4 起，环比 +300%，加强研判和巡防');
  });

  it('renders English from the same figures: no Chinese but the data and the quoted messages', () => {
    const enFocus = focus.map((x) => ({ ...x, text: focusText(x, 'en') }));
    const en = renderSections('briefing', { ...full, focus: enFocus }, quoted, 'en');
    expect(en.map((s) => s.title)).toEqual([
      'Incidents',
      'Notable incidents',
      'Orders',
      'Overdue follow-up',
      'Station-head hotline',
      'Grid groups',
      'Busiest conversations',
      'On duty today',
      "Today's focus",
    ]);
    const text = (key: string) => en.find((s) => s.key === key)!.sentences.map((x) => x.text);
    expect(text('incidents')).toEqual([
      '6 incidents received, +100% on the previous period (3), — on last year (—).',
      'Public order: 4, +300% on the previous period (1), — on last year (—).',
    ]);
    expect(text('notable')).toEqual(['[Criminal] J-1 桃源小区: 电动车被盗 (dispatched)']);
    expect(text('focus')).toContain('Follow up: 李明 (社区中队) has not acknowledged "核查出租屋"');
    expect(text('focus')).toContain(
      'Public order incidents: 4, +300% on the previous period; step up analysis and patrols',
    );
    expect(text('groups')[1]).toBe('Most discussed: 路灯 (3).');
    // The summaries quote the group's messages as written, with their sources.
    expect(en.find((s) => s.key === 'conversations')!.sentences).toEqual(quoted);
    // Take the data out: what is left is English.
    const data = ['桃源小区', '电动车被盗', '李明', '社区中队', '核查出租屋', '路灯', '桃源一网格', '楼道堆物'];
    for (const s of en.filter((x) => x.key !== 'conversations'))
      for (const x of s.sentences) {
        const rest = data.reduce((t, d) => t.replaceAll(d, ''), x.text);
        expect(rest, x.text).not.toMatch(HAN);
      }
  });

  it('keeps a focus item stored before facts were kept as it was', () => {
    expect(focusText({ rule: 'overdue', text: '盯办：旧的' }, 'en')).toBe('盯办：旧的');
  });
});
