import type { HotlineCategory, HotlineFilter, HotlineStatus } from '@fengqiao/hub/protocol';
import type { MessageKey } from '../i18n/zh-cn.ts';

/**
 * Message ids of the hotline's closed lists (the protocol's `HOTLINE_CATEGORIES`,
 * `HOTLINE_STATUSES`, `HOTLINE_FILTERS`): the records fail the type-check if the protocol gains a
 * value without a label.
 */
export const CATEGORY_KEYS: Record<HotlineCategory, MessageKey> = {
  consultation: 'hotline.category.consultation',
  help: 'hotline.category.help',
  suggestion: 'hotline.category.suggestion',
  complaint: 'hotline.category.complaint',
  dispute: 'hotline.category.dispute',
};
export const STATUS_KEYS: Record<HotlineStatus, MessageKey> = {
  open: 'hotline.status.open',
  in_progress: 'hotline.status.in_progress',
  handed_off: 'hotline.status.handed_off',
  resolved: 'hotline.status.resolved',
};
export const FILTER_KEYS: Record<HotlineFilter, MessageKey> = {
  all: 'hotline.filter.all',
  unanswered: 'hotline.filter.unanswered',
  mine: 'hotline.filter.mine',
  overdue: 'hotline.filter.overdue',
};
