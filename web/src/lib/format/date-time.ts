import type { LocaleCode } from '../i18n/locales.ts';
import { fromStationWallClock, stationParts, stationZone } from './station-zone.ts';

/** A moment (ms since epoch) as date and time in the station's zone, worded for the interface language. */
export function formatDateTime(ms: number, code: LocaleCode): string {
  return new Intl.DateTimeFormat(code, { timeZone: stationZone(), dateStyle: 'medium', timeStyle: 'short' }).format(ms);
}

/** A moment as time of day with seconds, for "last checked" style readouts. */
export function formatTime(ms: number, code: LocaleCode): string {
  return new Intl.DateTimeFormat(code, { timeZone: stationZone(), timeStyle: 'medium' }).format(ms);
}

/** A moment as short date and time ("11月23日 09:30"), for lists where the year goes without saying. */
export function formatShortDateTime(ms: number, code: LocaleCode): string {
  return new Intl.DateTimeFormat(code, {
    timeZone: stationZone(),
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(ms);
}

/** A moment as the value of an `<input type="datetime-local">`, read in the station's zone. */
export function toDateTimeInput(ms: number): string {
  const d = stationParts(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.year}-${pad(d.month)}-${pad(d.day)}T${pad(d.hour)}:${pad(d.minute)}`;
}

/** The moment an `<input type="datetime-local">` names in the station's zone, or null if it is empty or invalid. */
export function fromDateTimeInput(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute] = m.slice(1).map(Number) as [number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return null;
  return fromStationWallClock(year, month, day, hour, minute);
}
