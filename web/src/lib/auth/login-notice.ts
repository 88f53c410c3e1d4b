import type { MessageKey } from '../i18n/zh-cn.ts';
import type { SessionEndReason } from '../realtime/connection-state.ts';

/** Why the app sent someone to /login: the session ended, or they signed out here. */
export type LoginNotice = SessionEndReason | 'signed_out';

const NOTICE_KEYS: Record<LoginNotice, MessageKey> = {
  signed_out: 'login.notice.signed_out',
  logged_out: 'login.notice.logged_out_elsewhere',
  session_expired: 'login.notice.session_expired',
  account_disabled: 'login.notice.account_disabled',
  origin_rejected: 'login.notice.origin_rejected',
  unauthenticated: 'login.notice.unauthenticated',
  // Bot tokens only; a browser never holds one.
  token_revoked: 'login.notice.unauthenticated',
};

/** The /login address that explains why the person landed there. */
export function loginPath(notice?: LoginNotice): string {
  return notice ? `/login?reason=${notice}` : '/login';
}

/** The message for a `?reason=` value; null for none or anything unknown (it comes from the URL). */
export function loginNoticeKey(reason: string | null): MessageKey | null {
  if (reason === null || !Object.hasOwn(NOTICE_KEYS, reason)) return null;
  return NOTICE_KEYS[reason as LoginNotice];
}
