import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

/** Retention settings: unset keeps everything; a period is whole days, at least 30. */
describe('retention configuration', () => {
  it('keeps everything when nothing is set, and runs at 03:30', () => {
    expect(loadConfig({}).retention).toEqual({
      periods: { groupMessages: undefined, groupImages: undefined, hotline: undefined, audit: undefined },
      time: '03:30',
    });
  });

  it('reads the periods and the time', () => {
    const r = loadConfig({
      RETENTION_GROUP_MESSAGES_DAYS: '1825',
      RETENTION_GROUP_IMAGES_DAYS: '365',
      RETENTION_HOTLINE_DAYS: '730',
      RETENTION_AUDIT_DAYS: '3650',
      RETENTION_TIME: '02:15',
    }).retention;
    expect(r).toEqual({ periods: { groupMessages: 1825, groupImages: 365, hotline: 730, audit: 3650 }, time: '02:15' });
  });

  it('refuses short, fractional and malformed periods with every problem listed', () => {
    const bad = () => loadConfig({ RETENTION_AUDIT_DAYS: '7', RETENTION_HOTLINE_DAYS: '90.5' });
    expect(bad).toThrow(/RETENTION_AUDIT_DAYS: at least 30 days/);
    expect(bad).toThrow(/RETENTION_HOTLINE_DAYS: whole days/);
    expect(() => loadConfig({ RETENTION_TIME: '25:00' })).toThrow(/RETENTION_TIME: HH:MM/);
    expect(() => loadConfig({ RETENTION_GROUP_MESSAGES_DAYS: 'forever' })).toThrow(/RETENTION_GROUP_MESSAGES_DAYS/);
  });
});
