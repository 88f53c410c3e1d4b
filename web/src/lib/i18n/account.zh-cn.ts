/**
 * The account page's Chinese messages (own password, signed-in devices, the forced change), kept
 * apart from the main dictionary and spread into it; `account.en.ts` must have exactly these keys.
 */
export const accountZhCN = {
  'account.nav': '账号',
  'account.title': '账号与安全',
  'account.change_password': '修改密码',
  'account.change_note': '修改后，您在其他设备上的登录将全部退出。',
  'account.current_password': '当前密码',
  'account.new_password': '新密码',
  'account.repeat_password': '再次输入新密码',
  'account.password_changed': '密码已修改，其他设备已退出登录。',
  'account.policy.length': '至少 {min} 个字符',
  'account.policy.not_login': '不能与账号相同',
  'account.policy.not_common': '不能是常见密码（如 123456、password）',
  'account.policy.repeat': '两次输入一致',
  'account.problem.too_short': '新密码太短',
  'account.problem.same_as_login': '新密码不能与账号相同',
  'account.problem.mismatch': '两次输入的新密码不一致',
  'account.error.current_missing': '请输入当前密码',
  'account.error.password_too_short': '新密码太短',
  'account.error.password_too_common': '新密码太常见，容易被猜中，请换一个',
  'account.error.password_wrong': '当前密码不正确',
  'account.sessions.title': '登录设备',
  'account.sessions.note': '发现不认识的设备时，请结束它的登录并修改密码。',
  'account.sessions.current': '当前设备',
  'account.sessions.unknown_device': '未知设备',
  'account.sessions.detail': '{address} · 登录于 {started} · 最近使用 {seen}',
  'account.sessions.end': '退出该设备',
  'account.forced.title': '请修改密码',
  'account.forced.intro': '{name}，您正在使用临时密码。请先设置自己的新密码，然后才能继续使用。',
  'account.forced.submit': '修改密码并继续',
} as const;

/** The account page's message ids. */
export type AccountMessageKey = keyof typeof accountZhCN;
