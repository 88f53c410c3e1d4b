/**
 * Chinese messages of where staff work from (issue #17): each role's landing, the station head's
 * overview, the 我的 page, the hotline's emergency notice and automatic reply, and the hotline
 * alerts raised app-wide. Spread into the main dictionary; `workspace.en.ts` must have exactly these keys.
 */
export const workspaceZhCN = {
  'shell.nav_overview': '概览',
  'shell.nav_mine': '我的',
  'shell.nav_letters': '{waiting} 封待答复，其中 {overdue} 封已超时',

  'hotline.emergency.title': '紧急情况请拨打 110',
  'hotline.emergency.body':
    '所长热线不是报警电话，答复需要时间。正在发生的违法犯罪、火灾、伤病等紧急情况，请立即拨打 110。',
  'hotline.emergency.call': '拨打 110',
  'hotline.auto_reply.sender': '自动回复',
  'hotline.auto_reply.text':
    '您的来信已收到，{station}所长承诺在 {time}内答复。本热线不是报警电话，紧急情况请立即拨打 110。',

  'alert.letter.new': '新来信 · {category}',
  'alert.letter.help': '求助来信，请尽快答复',
  'alert.letter.overdue': '来信已超时未答复',
  'alert.letter.region': '来信提醒',

  'overview.title': '所务概览',
  'overview.subtitle': '{unit}：在办与超时的事项',
  'overview.loading': '正在统计…',
  'overview.failed': '暂时无法统计，连接恢复后自动重试',
  'overview.orders': '指令',
  'overview.orders.active': '在办指令',
  'overview.orders.late': '有人超时',
  'overview.orders.link': '打开指挥台',
  'overview.letters': '所长信箱',
  'overview.letters.waiting': '待答复来信',
  'overview.letters.overdue': '已超时',
  'overview.letters.link': '打开所长信箱',
  'overview.matters': '群内登记问题',
  'overview.matters.open': '未办结',
  'overview.matters.late': '超过 {days} 天',
  'overview.matters.link': '打开群聊',
  'overview.late': '需要关注',
  'overview.late.none': '没有超时事项',
  'overview.late.order': '指令 · {late} 人超时',
  'overview.late.letter': '来信 · 超时 {time}',
  'overview.late.matter': '问题 · {group} · 已 {days} 天',

  'mine.title': '我的',
  'mine.preferences': '偏好',
  'mine.language': '界面语言',
  'mine.notifications': '通知设置',
} as const;

/** The workspace message ids. */
export type WorkspaceMessageKey = keyof typeof workspaceZhCN;
