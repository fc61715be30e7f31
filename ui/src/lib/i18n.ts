// Translations: Swedish first, English second. Texts live in src/locales/*.json.
import sv from "../locales/sv.json";
import en from "../locales/en.json";

export type Language = "sv" | "en";
export type Dictionary = Record<string, string>;

export const dictionaries: Record<Language, Dictionary> = { sv, en };
export const LANGUAGES: readonly Language[] = ["sv", "en"];

/**
 * Look up `key` and fill `{name}` placeholders. A missing key falls back to Swedish,
 * then to the key itself, so a gap is visible but never breaks the window.
 */
export function translate(language: Language, key: string, params: Record<string, string | number> = {}): string {
  const text = dictionaries[language][key] ?? dictionaries.sv[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name];
    return v === undefined ? whole : String(v);
  });
}

export function isLanguage(value: unknown): value is Language {
  return value === "sv" || value === "en";
}
