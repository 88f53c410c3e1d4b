/** Chinese names of incident categories and statuses, for report sentences. */
export const CATEGORY_ZH: Record<string, string> = {
  criminal: '刑事',
  public_order: '治安',
  assistance: '求助',
  traffic: '交通',
  dispute: '纠纷',
  other: '其他',
};

export const INCIDENT_STATUS_ZH: Record<string, string> = {
  received: '已接警',
  dispatched: '已派警',
  on_scene: '已到场',
  closed: '已办结',
};

/** A percent change as shown in reports: +12.5%, -3%, or "—" when it cannot be computed. */
export function pctText(v: number | null): string {
  if (v === null) return '—';
  return `${v > 0 ? '+' : ''}${v}%`;
}

/** A count that may be missing ("—"). */
export function countText(v: number | null): string {
  return v === null ? '—' : String(v);
}

/** A duration in minutes (or hours past two hours), or "—". */
export function durationText(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  const minutes = Math.round(ms / 60_000);
  return minutes >= 120 ? `${Math.round(minutes / 6) / 10} 小时` : `${minutes} 分钟`;
}
