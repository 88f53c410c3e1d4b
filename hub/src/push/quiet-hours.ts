/** Minutes since local midnight of `t` in `timeZone`. */
function localMinutes(t: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .formatToParts(t)
    .reduce<Record<string, string>>((acc, p) => ((acc[p.type] = p.value), acc), {});
  return Number(parts.hour) * 60 + Number(parts.minute);
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Whether `t` falls in the quiet hours `from`–`to` (local, `to` exclusive; across midnight when from > to). */
export function inQuietHours(t: number, from: string | null, to: string | null, timeZone: string): boolean {
  if (from === null || to === null || from === to) return false;
  const m = localMinutes(t, timeZone);
  const a = toMinutes(from);
  const b = toMinutes(to);
  return a < b ? m >= a && m < b : m >= a || m < b;
}
