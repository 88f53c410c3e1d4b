/** A percent change as shown in reports: +12.5%, -3%, or "—" when it cannot be computed. */
export function pctText(v: number | null): string {
  if (v === null) return '—';
  return `${v > 0 ? '+' : ''}${v}%`;
}

/** A count that may be missing ("—"). */
export function countText(v: number | null): string {
  return v === null ? '—' : String(v);
}
