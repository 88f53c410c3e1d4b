import type { MessageView } from '@fengqiao/hub/protocol';
import { t } from '../i18n/index.ts';

/**
 * The line that stands for a message taken back, worded as WeCom does: "张三 撤回了一条消息"
 * (你撤回了… for one's own) or "消息已被移除" when a moderator removed it; null while it stands.
 */
export function takenBackLine(message: Pick<MessageView, 'status' | 'sender'>, mine: boolean): string | null {
  if (message.status === 'recalled')
    return mine ? t('chat.recalled_self') : t('chat.recalled_by', { name: message.sender.name });
  if (message.status === 'removed') return t('chat.removed');
  return null;
}
