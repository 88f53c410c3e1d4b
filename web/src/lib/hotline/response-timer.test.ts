import { describe, expect, it } from 'vitest';
import { formatTimer, responseState, targetParts } from './response-timer.ts';

const thread = { status: 'open' as const, createdAt: 1_000_000, dueAt: 1_000_000 + 3_600_000, firstAnsweredAt: null };

describe('responseState', () => {
  it('counts down to the target while unanswered', () => {
    expect(responseState(thread, 1_000_000 + 600_000)).toEqual({ kind: 'waiting', remainingMs: 3_000_000 });
  });

  it('is overdue from the target on, by how much', () => {
    expect(responseState(thread, thread.dueAt)).toEqual({ kind: 'overdue', lateMs: 0 });
    expect(responseState(thread, thread.dueAt + 90_000)).toEqual({ kind: 'overdue', lateMs: 90_000 });
  });

  it('says how long the first answer took and whether it was in time', () => {
    expect(responseState({ ...thread, firstAnsweredAt: thread.createdAt + 60_000 }, thread.dueAt + 1)).toEqual({
      kind: 'answered',
      tookMs: 60_000,
      inTarget: true,
    });
    expect(
      responseState({ ...thread, status: 'in_progress', firstAnsweredAt: thread.dueAt + 1 }, thread.dueAt + 5),
    ).toEqual({ kind: 'answered', tookMs: 3_600_001, inTarget: false });
  });

  it('a thread resolved without any answer is closed, never overdue', () => {
    expect(responseState({ ...thread, status: 'resolved' }, thread.dueAt + 10_000)).toEqual({ kind: 'closed' });
  });
});

describe('formatTimer', () => {
  it('reads mm:ss, then h:mm:ss, then days', () => {
    expect(formatTimer(65_000)).toBe('01:05');
    expect(formatTimer(3_600_000 + 62_000)).toBe('1:01:02');
    expect(formatTimer(2 * 86_400_000 + 3 * 3_600_000 + 4 * 60_000)).toBe('2d 3:04');
    expect(formatTimer(-5)).toBe('00:00');
  });
});

describe('targetParts', () => {
  it('uses whole hours when they divide, else minutes', () => {
    expect(targetParts(60)).toEqual({ unit: 'hours', value: 1 });
    expect(targetParts(90)).toEqual({ unit: 'minutes', value: 90 });
    expect(targetParts(30)).toEqual({ unit: 'minutes', value: 30 });
  });
});
