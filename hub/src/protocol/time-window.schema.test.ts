import { describe, expect, it } from 'vitest';
import { hotlineFiguresQuery } from './hotline.schema.ts';
import { createOrderPayload } from './orders.schema.ts';
import { reportRequest } from './reports.schema.ts';
import { instant, localDate } from './time-window.schema.ts';

/** The wire refuses times that are absurd whenever they are sent; the services hold the windows around now. */
describe('time bounds in the protocol schemas', () => {
  it('an instant lies between 2000 and 2100, in whole ms', () => {
    for (const bad of [0, 1000, -1, Number.MAX_SAFE_INTEGER, Date.UTC(2100, 0, 2), 1.5e12 + 0.5])
      expect(instant.safeParse(bad).success).toBe(false);
    expect(instant.safeParse(Date.UTC(2026, 11, 4)).success).toBe(true);
  });

  it('a local date is a real calendar date', () => {
    for (const bad of ['2024-02-30', '2024-13-01', '2024-00-10', '1970-01-01', '9999-12-31'])
      expect(localDate.safeParse(bad).success).toBe(false);
    expect(localDate.safeParse('2024-02-29').success).toBe(true);
    expect(reportRequest.safeParse({ kind: 'daily', unitId: 'u1', period: '2026-02-30' }).success).toBe(false);
  });

  it("an order's deadlines and a figures range are bounded", () => {
    const order = {
      clientId: 'client-12345',
      title: 't',
      body: 'b',
      priority: 'routine',
      targets: [{ kind: 'user', userId: 'u1' }],
    };
    expect(createOrderPayload.safeParse({ ...order, completeDueAt: Number.MAX_SAFE_INTEGER }).success).toBe(false);
    const t = Date.UTC(2026, 11, 4);
    const q = (from: number, to: number) =>
      hotlineFiguresQuery.safeParse({ stationIds: 's1', from: String(from), to: String(to) }).success;
    expect(q(t - 86_400_000, t)).toBe(true);
    expect(q(t, t)).toBe(false);
    expect(q(t - 401 * 86_400_000, t)).toBe(false);
    expect(q(0, t)).toBe(false);
  });
});
