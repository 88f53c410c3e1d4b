import { describe, expect, it } from 'vitest';
import {
  fromLocal,
  lastCompleted,
  lastYearPeriod,
  latestSlot,
  localDate,
  localTime,
  periodOf,
  previousPeriod,
} from './local-period.ts';

const SH = 'Asia/Shanghai';
const H = 3600_000;
const DAY = 24 * H;

describe('local periods (Asia/Shanghai and a zone with daylight saving)', () => {
  it('cuts a day at local midnight, not UTC midnight', () => {
    // 2026-11-23 15:59 UTC is 23:59 in Shanghai; 16:00 UTC is the next local day.
    const before = Date.UTC(2026, 10, 23, 15, 59);
    const after = Date.UTC(2026, 10, 23, 16, 0);
    expect(localDate(before, SH)).toBe('2026-11-23');
    expect(localDate(after, SH)).toBe('2026-11-24');
    expect(periodOf('daily', before, SH)).toEqual({
      start: Date.UTC(2026, 10, 22, 16),
      end: Date.UTC(2026, 10, 23, 16),
    });
    expect(periodOf('daily', after, SH).start).toBe(Date.UTC(2026, 10, 23, 16));
  });

  it('starts weeks on Monday and months on the 1st, across year ends', () => {
    // Sunday 2026-11-29 23:30 local belongs to the week of Monday 2026-11-23.
    const sunday = fromLocal(SH, 2026, 11, 29, 23, 30);
    expect(localTime(sunday, SH).weekday).toBe(7);
    const week = periodOf('weekly', sunday, SH);
    expect(week).toEqual({ start: fromLocal(SH, 2026, 11, 23), end: fromLocal(SH, 2026, 11, 30) });
    expect(localTime(week.start, SH).weekday).toBe(1);
    // A week spanning the new year.
    const jan1 = fromLocal(SH, 2027, 1, 1, 12);
    expect(periodOf('weekly', jan1, SH)).toEqual({
      start: fromLocal(SH, 2026, 12, 28),
      end: fromLocal(SH, 2027, 1, 4),
    });
    expect(periodOf('monthly', fromLocal(SH, 2026, 12, 31, 23, 59), SH)).toEqual({
      start: fromLocal(SH, 2026, 12, 1),
      end: fromLocal(SH, 2027, 1, 1),
    });
  });

  it('gives the last completed period and the one before it', () => {
    const now = fromLocal(SH, 2026, 3, 1, 0, 5);
    expect(lastCompleted('daily', now, SH)).toEqual({
      start: fromLocal(SH, 2026, 2, 28),
      end: fromLocal(SH, 2026, 3, 1),
    });
    expect(lastCompleted('monthly', now, SH)).toEqual({
      start: fromLocal(SH, 2026, 2, 1),
      end: fromLocal(SH, 2026, 3, 1),
    });
    const feb = lastCompleted('monthly', now, SH);
    expect(previousPeriod('monthly', feb, SH)).toEqual({
      start: fromLocal(SH, 2026, 1, 1),
      end: fromLocal(SH, 2026, 2, 1),
    });
    const briefing = { start: now - DAY, end: now };
    expect(previousPeriod('briefing', briefing, SH)).toEqual({ start: now - 2 * DAY, end: now - DAY });
  });

  it('finds the same period last year (同比): same dates, 29 February to the 28th, weeks 52 weeks back', () => {
    const leapDay = periodOf('daily', fromLocal(SH, 2028, 2, 29, 10), SH);
    expect(lastYearPeriod('daily', leapDay, SH)).toEqual({
      start: fromLocal(SH, 2027, 2, 28),
      end: fromLocal(SH, 2027, 3, 1),
    });
    const week = periodOf('weekly', fromLocal(SH, 2026, 11, 25), SH);
    const ly = lastYearPeriod('weekly', week, SH);
    expect(localTime(ly.start, SH).weekday).toBe(1);
    expect(localDate(ly.start, SH)).toBe('2025-11-24');
    expect(lastYearPeriod('monthly', periodOf('monthly', fromLocal(SH, 2026, 11, 5), SH), SH)).toEqual({
      start: fromLocal(SH, 2025, 11, 1),
      end: fromLocal(SH, 2025, 12, 1),
    });
  });

  it('finds the latest briefing time at or before now', () => {
    const at = (h: number, m: number) => fromLocal(SH, 2026, 11, 23, h, m);
    expect(latestSlot('07:30', at(7, 30), SH)).toBe(at(7, 30));
    expect(latestSlot('07:30', at(7, 29), SH)).toBe(fromLocal(SH, 2026, 11, 22, 7, 30));
    expect(latestSlot('07:30', at(23, 0), SH)).toBe(at(7, 30));
  });

  it('handles a daylight-saving zone: a day is 23 hours on the spring change', () => {
    const ny = 'America/New_York';
    const day = periodOf('daily', Date.UTC(2026, 2, 8, 15), ny);
    expect(day.end - day.start).toBe(23 * H);
    expect(localTime(day.start, ny)).toMatchObject({ year: 2026, month: 3, day: 8, hour: 0, minute: 0 });
    expect(localTime(day.end, ny)).toMatchObject({ month: 3, day: 9, hour: 0 });
  });
});
