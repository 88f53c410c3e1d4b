import type { MessageParams } from '../i18n/locale.svelte.ts';
import { zhCN, type MessageKey } from '../i18n/zh-cn.ts';

type Translate = (key: MessageKey, params?: MessageParams) => string;

/** `prefix.code` worded when the dictionary knows it; otherwise the code as the hub sent it (a report's figures are loose strings). */
function known(prefix: string, code: string, t: Translate): string {
  const key = `${prefix}.${code}`;
  return Object.hasOwn(zhCN, key) ? t(key as MessageKey) : code;
}

/** An incident category's label (刑事, 治安, …). */
export function categoryLabel(category: string, t: Translate): string {
  return known('incident.category', category, t);
}

/** An incident status's label (已接警 … 已办结). */
export function incidentStatusLabel(status: string, t: Translate): string {
  return known('incident.status', status, t);
}

/** A role's label (民警, 辅警, …). */
export function roleLabel(role: string, t: Translate): string {
  return known('role', role, t);
}
