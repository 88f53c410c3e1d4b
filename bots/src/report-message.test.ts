import { describe, expect, it } from 'vitest';
import type { ReportDocument } from '@fengqiao/hub/protocol';
import { reportMessages, reportTitle } from './report-message.ts';

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

describe('a report as group messages', () => {
  it('titles it with kind, unit and local period', () => {
    expect(reportTitle(report('briefing', []))).toBe('【早会简报】桃源派出所 11月22日 07:30 至 11月23日 07:30');
    const weekly = {
      ...report('weekly', []),
      periodStart: Date.UTC(2026, 10, 15, 16),
      periodEnd: Date.UTC(2026, 10, 22, 16),
    };
    expect(reportTitle(weekly)).toBe('【周报】桃源派出所 11月16日 至 11月22日');
  });

  it('numbers the lines of a section and marks the ones citing messages', () => {
    const [text] = reportMessages(
      report('briefing', [
        {
          key: 'conversations',
          title: '热点会话摘要',
          sentences: [
            { text: '甲', sources: ['m1', 'm2'] },
            { text: '乙', sources: [] },
          ],
        },
      ]),
    );
    expect(text).toContain('■ 热点会话摘要\n1. 甲〔2 条原文〕\n2. 乙');
  });

  it('cuts long reports into messages under the limit, at section and line boundaries', () => {
    const sentences = Array.from({ length: 40 }, (_, i) => ({ text: `第${i}行`.padEnd(30, '。'), sources: [] }));
    const parts = reportMessages(
      report('monthly', [
        { key: 'people', title: '个人', sentences },
        { key: 'units', title: '分单位', sentences },
      ]),
      400,
    );
    expect(parts.length).toBeGreaterThan(2);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(400);
    const all = parts.join('\n');
    for (const s of sentences) expect(all).toContain(s.text);
  });
});
