import type { WorkspaceMessageKey } from './workspace.zh-cn.ts';

/** English messages of the workspace (landing, overview, 我的, hotline notices and alerts); typed by the Chinese keys. */
export const workspaceEn: Record<WorkspaceMessageKey, string> = {
  'shell.nav_overview': 'Overview',
  'shell.nav_mine': 'Me',
  'shell.nav_letters': '{waiting} waiting for an answer, {overdue} of them overdue',

  'hotline.emergency.title': 'In an emergency, call 110',
  'hotline.emergency.body':
    'The station-head hotline is not an emergency line, and answers take time. For a crime in progress, a fire, an injury or any other emergency, call 110 now.',
  'hotline.emergency.call': 'Call 110',
  'hotline.auto_reply.sender': 'Automatic reply',
  'hotline.auto_reply.text':
    'Your letter has reached the head of {station}, who promises an answer within {time}. This hotline is not an emergency line: in an emergency, call 110 now.',

  'alert.letter.new': 'New letter · {category}',
  'alert.letter.help': 'A request for help: answer it soon',
  'alert.letter.overdue': 'Letter past its answer target',
  'alert.letter.region': 'Letter alerts',

  'overview.title': 'Station overview',
  'overview.subtitle': '{unit}: what is open and what is late',
  'overview.loading': 'Counting…',
  'overview.failed': 'Counts unavailable for now; retried once the connection is back',
  'overview.orders': 'Orders',
  'overview.orders.active': 'Active orders',
  'overview.orders.late': 'Someone late',
  'overview.orders.link': 'Open the command board',
  'overview.letters': 'Station-head letters',
  'overview.letters.waiting': 'Waiting for an answer',
  'overview.letters.overdue': 'Overdue',
  'overview.letters.link': 'Open the letters',
  'overview.matters': 'Matters raised in groups',
  'overview.matters.open': 'Open',
  'overview.matters.late': 'Over {days} days',
  'overview.matters.link': 'Open the groups',
  'overview.late': 'Needs attention',
  'overview.late.none': 'Nothing is late',
  'overview.late.order': 'Order · {late} late',
  'overview.late.letter': 'Letter · {time} overdue',
  'overview.late.matter': 'Matter · {group} · {days} days',

  'mine.title': 'Me',
  'mine.preferences': 'Preferences',
  'mine.language': 'Language',
  'mine.notifications': 'Notification settings',
};
