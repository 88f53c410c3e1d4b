import type { MatterOpenSummary } from '@fengqiao/hub/protocol';
import { requestJson, type ApiOutcome } from '../api/request.ts';

/** Staff: the matters still open in one's own groups, how many are late, and the oldest few. */
export function fetchOpenMatters(): Promise<ApiOutcome<MatterOpenSummary>> {
  return requestJson<MatterOpenSummary>('/api/matters/open');
}
