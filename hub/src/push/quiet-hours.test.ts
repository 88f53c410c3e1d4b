import { describe, expect, it } from 'vitest';
import { inQuietHours } from './quiet-hours.ts';

const at = (iso: string) => Date.parse(iso);

describe('quiet hours', () => {
  it('holds across midnight in the given time zone', () => {
    // 23:30 and 06:59 in Shanghai (UTC+8) are inside 22:00–07:00; 07:00 and 12:00 are not.
    expect(inQuietHours(at('2026-03-01T15:30:00Z'), '22:00', '07:00', 'Asia/Shanghai')).toBe(true);
    expect(inQuietHours(at('2026-03-01T22:59:00Z'), '22:00', '07:00', 'Asia/Shanghai')).toBe(true);
    expect(inQuietHours(at('2026-03-01T23:00:00Z'), '22:00', '07:00', 'Asia/Shanghai')).toBe(false);
    expect(inQuietHours(at('2026-03-01T04:00:00Z'), '22:00', '07:00', 'Asia/Shanghai')).toBe(false);
  });
  it('holds within one day, and not at all without both ends', () => {
    expect(inQuietHours(at('2026-03-01T05:00:00Z'), '12:00', '14:00', 'Asia/Shanghai')).toBe(true);
    expect(inQuietHours(at('2026-03-01T07:00:00Z'), '12:00', '14:00', 'Asia/Shanghai')).toBe(false);
    expect(inQuietHours(at('2026-03-01T05:00:00Z'), null, null, 'Asia/Shanghai')).toBe(false);
  });
});
