/**
 * Chinese messages of the dispatcher's board (issue #17, items 4–6): active and finished orders,
 * the finished orders' search, each card's latest activity, the command room's activity feed, and
 * 改派 of a returned order. Spread into the main dictionary; `board.en.ts` must have exactly these keys.
 */
export const boardZhCN = {
  'board.tab.active': '进行中',
  'board.tab.finished': '已完成',
  'board.tab.activity': '动态',
  'board.tabs': '指令分类',
  'board.finished_empty': '没有符合条件的已完成指令',
  'board.finished_loading': '正在查找…',
  'board.finished_cancelled': '已撤销',
  'board.finished_done': '已办结',
  'board.read_only': '已完成的指令只可查看，不能修改或撤销',
  'board.load_more': '加载更多',

  'finished.search.title': '查找已完成的指令',
  'finished.search.text': '关键词',
  'finished.search.text_hint': '标题或内容',
  'finished.search.incident': '警情编号',
  'finished.search.person': '人员',
  'finished.search.person_hint': '接收人或下达人姓名',
  'finished.search.from': '起始日期',
  'finished.search.to': '截止日期',
  'finished.search.submit': '查找',
  'finished.search.clear': '清空',
  'finished.search.failed': '查找失败：{reason}',

  'activity.title': '指挥室动态',
  'activity.empty': '暂无动态',
  'activity.loading': '正在加载动态…',
  'activity.failed': '动态加载失败：{reason}',
  'activity.older': '更早的动态',
  'activity.latest': '最新',
  'activity.kind.acknowledged': '{actor} 签收',
  'activity.kind.note': '{actor} 报告进展',
  'activity.kind.completed': '{actor} 办结反馈',
  'activity.kind.returned': '{actor} 退回',
  'activity.kind.reassigned': '{actor} 改派给 {text}',
  'activity.open': '查看指令',

  'returns.title': '退回',
  'returns.reason': '退回原因：{reason}',
  'returns.no_reason': '未说明原因',
  'returns.reassigned': '已改派给 {name}',
  'returns.reassign': '改派',
  'returns.reassign_one': '改派 {name} 退回的指令',
  'returns.all_returned': '全部退回，待改派',

  'reassign.title': '改派指令',
  'reassign.from': '{name} 退回：{reason}',
  'reassign.search': '查找人员',
  'reassign.pick': '改派给',
  'reassign.none': '没有可以改派的人员',
  'reassign.submit': '确认改派',
  'reassign.error.pick': '请选择改派给谁',
  'reassign.done': '已改派给 {name}',

  'timeline.reassigned': '{actor} 将 {subject} 退回的指令改派给 {text}',
  'failure.order_finished': '指令已完成，不能再修改、撤销或改派',
} as const;

export type BoardMessageKey = keyof typeof boardZhCN;
