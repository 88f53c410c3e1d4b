import { describe, expect, it } from 'vitest';
import { dayRelation, formatClock, formatDay, formatShortDay } from './chat-time.ts';
import { formatShortDateTime, fromDateTimeInput, toDateTimeInput } from './date-time.ts';
import { setStationZone, stationZone } from './station-zone.ts';

// 2026-11-20 17:30 UTC is 2026-11-21 01:30 in China: a different calendar day.
const LATE_UTC = Date.UTC(2026, 10, 20, 17, 30);

describe("times in the station's zone, whatever the browser's", () => {
  it('reads the clock and the day of a moment in the station zone', () => {
    setStationZone('Asia/Shanghai');
    expect(formatClock(LATE_UTC, 'zh-CN')).toBe('01:30');
    expect(formatShortDay(LATE_UTC, 'zh-CN')).toBe('11/21');
    expect(formatShortDateTime(LATE_UTC, 'en')).toBe('Nov 21, 01:30');
    expect(formatDay(LATE_UTC, 'zh-CN', LATE_UTC)).toBe('11月21日周六');
    setStationZone('UTC');
    expect(formatClock(LATE_UTC, 'zh-CN')).toBe('17:30');
    expect(formatShortDay(LATE_UTC, 'zh-CN')).toBe('11/20');
  });

  it("cuts today and yesterday at the station's midnight", () => {
    setStationZone('Asia/Shanghai');
    const chinaMidnight = Date.UTC(2026, 10, 20, 16, 0); // 2026-11-21 00:00 in China
    expect(dayRelation(chinaMidnight - 60_000, chinaMidnight + 60_000)).toBe('yesterday');
    expect(dayRelation(chinaMidnight, chinaMidnight + 60_000)).toBe('today');
    expect(dayRelation(chinaMidnight - 86_400_000 - 60_000, chinaMidnight)).toBe('earlier');
    setStationZone('UTC');
    expect(dayRelation(chinaMidnight - 60_000, chinaMidnight + 60_000)).toBe('today');
  });

  it('names the year only when the day is not in this year of the station calendar', () => {
    setStationZone('Asia/Shanghai');
    const newYearChina = Date.UTC(2026, 11, 31, 16, 30); // 2027-01-01 00:30 in China
    expect(formatDay(newYearChina - 3_600_000, 'en', newYearChina)).toMatch(/2026/);
    expect(formatDay(newYearChina, 'en', newYearChina)).not.toMatch(/2027/);
  });

  it('fills and reads deadline inputs as station wall-clock time, across a clock change too', () => {
    setStationZone('Asia/Shanghai');
    expect(toDateTimeInput(LATE_UTC)).toBe('2026-11-21T01:30');
    expect(fromDateTimeInput('2026-11-21T01:30')).toBe(LATE_UTC);
    setStationZone('America/New_York');
    // 2026-03-08: clocks go from 02:00 to 03:00; 03:30 EDT is 07:30 UTC, the day before is EST.
    expect(fromDateTimeInput('2026-03-08T03:30')).toBe(Date.UTC(2026, 2, 8, 7, 30));
    expect(fromDateTimeInput('2026-03-07T03:30')).toBe(Date.UTC(2026, 2, 7, 8, 30));
    expect(toDateTimeInput(Date.UTC(2026, 2, 8, 7, 30))).toBe('2026-03-08T03:30');
  });

  it('answers null for an empty or impossible input', () => {
    setStationZone('Asia/Shanghai');
    expect(fromDateTimeInput('')).toBeNull();
    expect(fromDateTimeInput('tomorrow')).toBeNull();
    expect(fromDateTimeInput('2026-13-01T10:00')).toBeNull();
    expect(fromDateTimeInput('2026-11-01T25:00')).toBeNull();
  });

  it('ignores a zone name the browser does not know and falls back to its own zone', () => {
    setStationZone('Asia/Shanghai');
    setStationZone('Mars/Olympus_Mons');
    expect(stationZone()).toBeUndefined();
  });
});
