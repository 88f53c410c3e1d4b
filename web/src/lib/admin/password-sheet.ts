/** A cell as CSV: quoted when it must be, and defused when a spreadsheet would read it as a formula. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/**
 * The temporary passwords of newly imported people as a CSV the administrator hands out: UTF-8
 * with a byte-order mark (Excel reads Chinese headers right only with it), CRLF lines.
 */
export function passwordSheet(rows: readonly { login: string; password: string }[], headers: [string, string]): string {
  const lines = [headers, ...rows.map((r) => [r.login, r.password])].map((cells) => cells.map(csvCell).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
