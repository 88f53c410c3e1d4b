import type { LocaleCode } from '../i18n/locales.ts';

/** A moment (ms since epoch) as date and time in the viewer's zone, worded for the interface language. */
export function formatDateTime(ms: number, code: LocaleCode): string {
  return new Intl.DateTimeFormat(code, { dateStyle: 'medium', timeStyle: 'short' }).format(ms);
}

/** A moment as time of day with seconds, for "last checked" style readouts. */
export function formatTime(ms: number, code: LocaleCode): string {
  return new Intl.DateTimeFormat(code, { timeStyle: 'medium' }).format(ms);
}
