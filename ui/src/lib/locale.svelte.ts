// The chosen language as reactive state, remembered between starts.
import { isLanguage, translate, type Language, type Params } from "./i18n";

const STORAGE_KEY = "styrkort.language";

function initial(): Language {
  try {
    const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
    return isLanguage(saved) ? saved : "sv";
  } catch {
    return "sv";
  }
}

export const locale = $state({ language: initial() });

export function setLanguage(language: Language): void {
  locale.language = language;
  document.documentElement.lang = language;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, language);
  } catch {
    // Storage may be unavailable; the choice then lasts for this session only.
  }
}

export function t(key: string, params: Params = {}): string {
  return translate(locale.language, key, params);
}

/**
 * The window's language of a text the core sends in both (`message`/`message_en`,
 * `refused`/`refused_en` …): the English one in English when there is one, else the Swedish.
 */
export function inLanguage(sv: string, en: string | null | undefined): string {
  return locale.language === "en" && en ? en : sv;
}
