/** The i18n surface components import: the language state, `t`, and the language list. */
export { locale, t, type MessageParams } from './locale.svelte.ts';
export { LOCALES, LOCALE_NAMES, type LocaleCode } from './locales.ts';
export type { MessageKey } from './zh-cn.ts';
