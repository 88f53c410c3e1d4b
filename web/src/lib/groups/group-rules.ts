import type { MatterStatus } from '@fengqiao/hub/protocol';

/** True while a matter still needs someone: not resolved, not handed on. */
export function isMatterOpen(status: MatterStatus): boolean {
  return status === 'open' || status === 'in_progress';
}
