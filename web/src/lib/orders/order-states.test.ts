import { describe, expect, it } from 'vitest';
import type { AssignmentView } from '@fengqiao/hub/protocol';
import { advance, mergeAssignment, tabOf } from './order-states.ts';

const order = {
  id: 'o1',
  title: '核查',
  body: '核查桃源社区出租屋',
  priority: 'urgent' as const,
  status: 'active' as const,
  issuer: { id: 'd1', name: '邱学军', unitName: '勤务管理指挥室' },
  incidentId: null,
  parentOrderId: null,
  ackDueAt: 2_000,
  completeDueAt: 9_000,
  createdAt: 1_000,
  updatedAt: 1_000,
  cancelReason: null,
};
const assignment = (over: Partial<AssignmentView>): AssignmentView => ({
  order,
  state: 'pending',
  deliveredAt: null,
  readAt: null,
  acknowledgedAt: null,
  completedAt: null,
  feedback: null,
  rev: 10,
  ...over,
});

describe('order states', () => {
  it('keeps the higher rev but never moves a state back', () => {
    const local = assignment({ state: 'read', readAt: 5, deliveredAt: 4, rev: 10 });
    const fromHub = assignment({ state: 'delivered', deliveredAt: 4, rev: 11 });
    const merged = mergeAssignment(local, fromHub);
    expect(merged.rev).toBe(11);
    expect(merged.state).toBe('read');
    expect(merged.readAt).toBe(5);
  });

  it('takes the newer order view, so a cancellation is not undone by an older sync page', () => {
    const cancelled = assignment({ order: { ...order, status: 'cancelled', updatedAt: 3_000 }, rev: 10 });
    const older = assignment({ rev: 12, state: 'delivered' });
    expect(mergeAssignment(cancelled, older).order.status).toBe('cancelled');
  });

  it('advances forward only and files assignments under their tab', () => {
    const acked = advance(assignment({}), 'acknowledged', 7);
    expect(acked).toMatchObject({ state: 'acknowledged', deliveredAt: 7, readAt: 7, acknowledgedAt: 7 });
    expect(advance(acked, 'delivered', 8)).toBe(acked);
    expect([tabOf('pending'), tabOf('read'), tabOf('acknowledged'), tabOf('returned')]).toEqual([
      'open',
      'open',
      'acknowledged',
      'returned',
    ]);
  });
});
