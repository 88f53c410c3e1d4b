import { describe, expect, it } from 'vitest';
import { ADMIN_ONLY_ROLES as HUB_ADMIN_ONLY, UNIT_ROLES as HUB_UNIT_ROLES } from '@fengqiao/hub/protocol';
import { ADMIN_ONLY_ROLES, assignableRoles, UNIT_ROLES } from './assignable-roles.ts';

describe('assignableRoles', () => {
  it('uses the protocol’s roles per unit kind, copied so that phones do not load zod', () => {
    expect(UNIT_ROLES).toEqual(HUB_UNIT_ROLES);
    expect(ADMIN_ONLY_ROLES).toEqual(HUB_ADMIN_ONLY);
  });

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
    expect(assignableRoles('station_head', 'station')).toEqual([]);
  });

  it('offers only the roles that fit the unit', () => {
    expect(assignableRoles('admin', 'squad')).toEqual(['officer', 'auxiliary']);
    expect(assignableRoles('admin', 'grid')).toEqual(['officer', 'auxiliary', 'grid_worker']);
    expect(assignableRoles('admin', 'station')).toEqual(['station_head']);
  });

  it('gives nobody else anything', () => {
    expect(assignableRoles('dispatcher')).toEqual([]);
    expect(assignableRoles('resident', 'grid')).toEqual([]);
  });
});
