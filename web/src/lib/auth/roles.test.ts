import { describe, expect, it } from 'vitest';
import {
  DISPATCH_ROLES as HUB_DISPATCH,
  RECEIVING_ROLES as HUB_RECEIVING,
  ROLES as HUB_ROLES,
  STAFF_ROLES as HUB_STAFF,
} from '@fengqiao/hub/protocol';
import { DISPATCH_ROLES, RECEIVING_ROLES, ROLES, STAFF_ROLES } from './roles.ts';

describe('role lists', () => {
  it('are the protocol’s, copied so that phones do not load zod', () => {
    expect(ROLES).toEqual(HUB_ROLES);
    expect(DISPATCH_ROLES).toEqual(HUB_DISPATCH);
    expect(RECEIVING_ROLES).toEqual(HUB_RECEIVING);
    expect(STAFF_ROLES).toEqual(HUB_STAFF);
  });
});
