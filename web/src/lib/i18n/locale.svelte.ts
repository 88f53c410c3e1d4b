import { browser } from '$app/environment';
import { DEFAULT_LOCALE, DICTIONARIES, isLocale, type LocaleCode } from './locales.ts';
import type { MessageKey } from './zh-cn.ts';

const STORAGE_KEY = 'fq.locale';

/** Values filled into `{name}` placeholders. */
export type MessageParams = Record<string, string | number>;

/**
 * The interface language, shared by every component. Kept in localStorage so it survives a
 * reload, and mirrored to `<html lang>` so screen readers and fonts pick the right language.
 */
class LocaleState {
  #code = $state<LocaleCode>(DEFAULT_LOCALE);

  constructor() {
    if (!browser) return;
    let stored: string | null = null;
    try {
      stored = localStorage.getItem(STORAGE_KEY);
    } catch {
      // Storage can be blocked (private mode, policy); the default language still works.
    }
    if (isLocale(stored)) this.#code = stored;
    document.documentElement.lang = this.#code;
  }

  /** The current language. */
  get code(): LocaleCode {
    return this.#code;
  }

  /** Switches the language everywhere and remembers the choice. */
  set(code: LocaleCode): void {
    this.#code = code;
    if (!browser) return;
    document.documentElement.lang = code;
    try {
      localStorage.setItem(STORAGE_KEY, code);
    } catch {
      // Not remembered across reloads; the switch itself still applies.
    }
  }

  /** Translates a message id, filling `{name}` placeholders from `params`. */
  t = (key: MessageKey, params?: MessageParams): string => {
    const text = DICTIONARIES[this.#code][key];
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = params[name];
      return value === undefined ? whole : String(value);
    });
  };
}

/** The one language state of the app. */
export const locale = new LocaleState();

/** Shorthand for `locale.t`, reactive wherever it is read inside markup or `$derived`. */
export const t = locale.t;
