import type { ErrorCode } from '@fengqiao/hub/protocol';
import type { MessageKey } from '../i18n/zh-cn.ts';
import type { TransportFailure } from './request.ts';

/** Any reason a request or command failed: the hub's code, or one found on this side. */
export type FailureCode = ErrorCode | TransportFailure | 'not_connected' | 'timeout';

const KEYS: Partial<Record<FailureCode, MessageKey>> = {
  validation_failed: 'failure.validation_failed',
  forbidden: 'failure.forbidden',
  not_found: 'failure.not_found',
  conflict: 'failure.conflict',
  order_finished: 'failure.order_finished',
  rate_limited: 'failure.rate_limited',
  unauthenticated: 'failure.unauthenticated',
  session_expired: 'failure.unauthenticated',
  network: 'failure.network',
  not_connected: 'failure.not_connected',
  timeout: 'failure.timeout',
};

/** The message id that words a failure for people; anything unexpected reads as "try again later". */
export function failureKey(code: string): MessageKey {
  return Object.hasOwn(KEYS, code) ? KEYS[code as FailureCode]! : 'failure.server';
}
