import type { LocaleCode } from '../i18n/locales.ts';

/** A moment (ms since epoch) as date and time in the viewer's zone, worded for the interface language. */
export function formatDateTime(ms: number, code: LocaleCode): string {
  return new Intl.DateTimeFormat(code, { dateStyle: 'medium', timeStyle: 'short' }).format(ms);
}

/** A moment as time of day with seconds, for "last checked" style readouts. */
export function formatTime(ms: number, code: LocaleCode): string {
  return new Intl.DateTimeFormat(code, { timeStyle: 'medium' }).format(ms);
}

/** A moment as short date and time ("11月23日 09:30"), for lists where the year goes without saying. */
export function formatShortDateTime(ms: number, code: LocaleCode): string {
  return new Intl.DateTimeFormat(code, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(ms);
}

/** A moment as the value of an `<input type="datetime-local">` in the viewer's zone. */
export function toDateTimeInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The moment an `<input type="datetime-local">` names, or null if it is empty or invalid. */
export function fromDateTimeInput(value: string): number | null {
  if (value === '') return null;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? null : ms;
}
