import { describe, expect, it } from 'vitest';
import { assignableRoles } from './assignable-roles.ts';

describe('assignableRoles', () => {
  it('lets an admin give every staff role, never resident or bot', () => {
    expect(assignableRoles('admin')).toEqual([
      'admin',
      'station_head',
      'dispatcher',
      'officer',
      'auxiliary',
      'grid_worker',
    ]);
  });

  it('keeps a station head from making admins or station heads', () => {
    expect(assignableRoles('station_head')).toEqual(['dispatcher', 'officer', 'auxiliary', 'grid_worker']);
  });

  it('gives nobody else anything', () => {
    expect(assignableRoles('dispatcher')).toEqual([]);
    expect(assignableRoles('resident')).toEqual([]);
  });
});
