/** Roles of people in the hub (DESIGN.md, Sessions and permissions). */
export const ROLES = [
  'admin',
  'station_head',
  'dispatcher',
  'officer',
  'auxiliary',
  'grid_worker',
  'resident',
  'bot',
] as const;
export type Role = (typeof ROLES)[number];

/** Kinds of unit in the tree: city → branch → station → squad / command room / community → grid. */
export const UNIT_KINDS = ['city', 'branch', 'station', 'squad', 'command_room', 'community', 'grid'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

/** Roles that are staff of a unit rather than residents or machines. */
export const STAFF_ROLES: readonly Role[] = [
  'admin',
  'station_head',
  'dispatcher',
  'officer',
  'auxiliary',
  'grid_worker',
];
