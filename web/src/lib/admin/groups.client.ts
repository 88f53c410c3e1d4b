import type { AdminGroupsResponse } from '@fengqiao/hub/protocol';
import { requestJson, type ApiOutcome } from '../api/request.ts';

/** The groups of the caller's administration scope, with member and waiting counts. */
export function fetchGroups(): Promise<ApiOutcome<AdminGroupsResponse>> {
  return requestJson('/api/admin/groups');
}
