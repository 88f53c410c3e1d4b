import type { Role, UnitKind } from '@fengqiao/hub/protocol';
import type { ConnectionReason } from '../realtime/connection-state.ts';

/**
 * The Chinese dictionary, the default and the reference: its keys define `MessageKey`, and every
 * role, unit kind and connection reason must have a label here (checked by the `satisfies` below).
 * `{name}` marks a value filled in by `t(key, { name })`.
 */
export const zhCN = {
  'app.name': '枫桥通',
  'app.name_secondary': 'Fengqiao Hub',
  'app.tagline': '派出所实时协同平台',

  'locale.switch_label': '界面语言',

  'login.title': '登录',
  'login.heading': '登录枫桥通',
  'login.subtitle': '请使用警号或手机号登录',
  'login.account': '账号',
  'login.account_hint': '警号或手机号',
  'login.password': '密码',
  'login.show_password': '显示密码',
  'login.hide_password': '隐藏密码',
  'login.submit': '登录',
  'login.submitting': '正在登录…',
  'login.error.empty_account': '请输入账号',
  'login.error.empty_password': '请输入密码',
  'login.error.invalid_credentials': '账号或密码错误',
  'login.error.rate_limited': '尝试过于频繁，请 {seconds} 秒后再试',
  'login.error.rate_limited_done': '可以重新尝试登录了',
  'login.error.validation_failed': '账号或密码格式不正确',
  'login.error.account_disabled': '账号已停用，请联系管理员',
  'login.error.network': '无法连接服务器，请检查网络后重试',
  'login.error.server': '服务器暂时不可用，请稍后再试',
  'login.notice.session_expired': '登录已过期，请重新登录',
  'login.notice.logged_out_elsewhere': '您的会话已在其他地方结束，请重新登录',
  'login.notice.account_disabled': '账号已停用，请联系管理员',
  'login.notice.origin_rejected': '访问来源未获允许，请通过正式地址访问',
  'login.notice.unauthenticated': '登录状态已失效，请重新登录',
  'login.notice.signed_out': '您已安全退出',

  'demo.title': '演示账号',
  'demo.hint': '点击账号即可填入，密码均为 {password}',
  'demo.fill': '填入 {name} 的账号',

  'shell.logout': '退出登录',
  'shell.logging_out': '正在退出…',
  'shell.logout_failed': '退出失败：无法连接服务器，请重试',
  'shell.unit_path': '所属单位层级',
  'shell.account_menu': '当前用户',
  'shell.nav': '主导航',
  'shell.nav_home': '首页',
  'shell.loading': '正在加载…',

  'conn.connected': '已连接',
  'conn.connecting': '连接中…',
  'conn.disconnected': '已断开',
  'conn.latency': '{ms} 毫秒',
  'conn.status_label': '实时连接状态',

  'reason.initial': '尚未连接',
  'reason.connect_requested': '发起连接',
  'reason.transport_open': '连接成功',
  'reason.transport_closed': '网络连接中断',
  'reason.server_disconnect': '服务器断开了连接',
  'reason.ping_timeout': '心跳超时',
  'reason.connect_failed': '连接失败',
  'reason.network_online': '网络已恢复',
  'reason.auth_failed': '身份验证失败',
  'reason.session_revoked': '会话已被注销',
  'reason.logout': '已退出登录',
  'reason.app_closed': '已关闭',

  'home.title': '首页',
  'home.welcome': '您好，{name}',
  'home.welcome_sub': '{unit} · {role}',
  'home.details': '账号信息',
  'home.field.name': '姓名',
  'home.field.login': '账号',
  'home.field.role': '角色',
  'home.field.rank': '警衔',
  'home.field.unit': '所属单位',
  'home.field.unit_kind': '单位类型',
  'home.field.unit_code': '单位代码',
  'home.field.session_expires': '会话到期',
  'home.session_note': '持续使用时会话会自动延长',
  'home.pipe': '实时通道',
  'home.pipe.status': '状态',
  'home.pipe.reason': '最近变化',
  'home.pipe.rtt': '往返时延',
  'home.pipe.node': '服务节点',
  'home.pipe.checked_at': '最近检测',
  'home.pipe.attempt': '重连次数',
  'home.pipe.ping': '测试连接',
  'home.pipe.pinging': '测试中…',
  'home.pipe.ping_failed': '测试失败：{message}',
  'home.pipe.ping_timeout': '测试超时',
  'home.pipe.not_connected': '未连接，无法测试',
  'home.none': '—',

  'role.admin': '系统管理员',
  'role.station_head': '所长',
  'role.dispatcher': '指挥调度',
  'role.officer': '民警',
  'role.auxiliary': '辅警',
  'role.grid_worker': '网格员',
  'role.resident': '群众',
  'role.bot': '机器人',

  'unit_kind.city': '市局',
  'unit_kind.branch': '分局',
  'unit_kind.station': '派出所',
  'unit_kind.squad': '中队',
  'unit_kind.command_room': '勤务管理指挥室',
  'unit_kind.community': '社区',
  'unit_kind.grid': '网格',

  'error.load_me': '无法加载账号信息',
  'error.retry': '重试',
  'error.not_found': '页面不存在',
  'error.back_home': '返回首页',
} as const satisfies Record<string, string> &
  Record<`role.${Role}` | `unit_kind.${UnitKind}` | `reason.${ConnectionReason}`, string>;

/** Every message id; `en` and any later dictionary must have exactly these. */
export type MessageKey = keyof typeof zhCN;

/** A dictionary: one string for every key, no more, no fewer. */
export type Messages = Record<MessageKey, string>;
