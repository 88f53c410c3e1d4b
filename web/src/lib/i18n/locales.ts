import { en } from './en.ts';
import { zhCN, type Messages } from './zh-cn.ts';

/** The interface languages, as BCP 47 tags (also written to `<html lang>`). */
export const LOCALES = ['zh-CN', 'en'] as const;
export type LocaleCode = (typeof LOCALES)[number];

/** zh-CN is the default: the hub's users work in Chinese. */
export const DEFAULT_LOCALE: LocaleCode = 'zh-CN';

/** The dictionary of each language. */
export const DICTIONARIES: Record<LocaleCode, Messages> = { 'zh-CN': zhCN, en };

/** What each language is called in the switch, in its own script. */
export const LOCALE_NAMES: Record<LocaleCode, string> = { 'zh-CN': '中文', en: 'EN' };

/** Narrows an untrusted string (localStorage, a query) to a known language. */
export function isLocale(value: unknown): value is LocaleCode {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}
