import { groupChat } from '$lib/groups/group-chat.svelte.ts';
import { hotline } from '$lib/hotline/hotline.svelte.ts';
import { t } from '$lib/i18n';
import { orderInbox } from '$lib/orders/order-inbox.svelte.ts';

/** A section's badge: orders waiting to be acknowledged, unread chats, hotline letters to answer (and how many are overdue). */
export interface NavBadge {
  text: string;
  label: string;
  /** Something in the section is late (an overdue letter): the badge says so louder. */
  late?: boolean;
}

/** The badge a section's link carries now, or null; reactive where it is read (the stores are runes). */
export function navBadge(href: string): NavBadge | null {
  if (href === '/orders' && orderInbox.waiting > 0) {
    return { text: String(orderInbox.waiting), label: t('shell.nav_waiting', { count: orderInbox.waiting }) };
  }
  if (href === '/groups' && groupChat.totalUnread > 0) {
    const n = groupChat.totalUnread;
    return { text: n > 99 ? '99+' : String(n), label: t('shell.nav_unread', { count: n }) };
  }
  if (href === '/hotline' && hotline.staff && hotline.badge > 0) {
    const waiting = hotline.badge;
    const overdue = hotline.overdue.length;
    return { text: String(waiting), label: t('shell.nav_letters', { waiting, overdue }), late: overdue > 0 };
  }
  if (href === '/hotline' && hotline.badge > 0) {
    return { text: String(hotline.badge), label: t('shell.nav_unread', { count: hotline.badge }) };
  }
  return null;
}
