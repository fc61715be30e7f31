// Translations: Swedish first, English second. Texts live in src/locales/*.json.
import sv from "../locales/sv.json";
import en from "../locales/en.json";

export type Language = "sv" | "en";
export type Dictionary = Record<string, string>;

export const dictionaries: Record<Language, Dictionary> = { sv, en };
export const LANGUAGES: readonly Language[] = ["sv", "en"];

// A count's agreement: `{count, plural, one {# ändrad cell} other {# ändrade celler}}` picks
// the branch the language's plural rules (Intl.PluralRules) give for the number; `#` is the
// number, written the language's way. Every count in the window is written like this.
const PLURAL = /\{(\w+), plural,((?:\s*(?:zero|one|two|few|many|other) \{[^{}]*\})+)\s*\}/g;
const BRANCH = /(zero|one|two|few|many|other) \{([^{}]*)\}/g;
const rules: Partial<Record<Language, Intl.PluralRules>> = {};

/** A count shown with a fixed number of decimals ("1,0 procentenheter" agrees with "1,0"). */
export type Counted = { count: number; decimals: number };
export type Params = Record<string, string | number | Counted>;

/**
 * The text of `branches` (one {…} other {…}) that agrees with `count` in `language`, with `#`
 * the number written the language's way (with `decimals`, when given, for agreement too).
 */
export function pluralOf(language: Language, count: number, branches: string, decimals?: number): string {
  const forms = new Map([...branches.matchAll(BRANCH)].map((m) => [m[1], m[2] ?? ""]));
  const locale = language === "sv" ? "sv-SE" : "en-GB";
  const digits = decimals === undefined ? {} : { minimumFractionDigits: decimals, maximumFractionDigits: decimals };
  const rule =
    decimals === undefined ? (rules[language] ??= new Intl.PluralRules(locale)) : new Intl.PluralRules(locale, digits);
  const text = forms.get(rule.select(count)) ?? forms.get("other") ?? "";
  const number = new Intl.NumberFormat(locale, digits).format(count);
  return text.replace(/#/g, number);
}

/** The names of the placeholders of `text`, plural counts included, sorted (for checks). */
export function placeholdersOf(text: string): string[] {
  const plural = [...text.matchAll(PLURAL)].map((m) => m[1] ?? "");
  const plain = (text.replace(PLURAL, "").match(/\{\w+\}/g) ?? []).map((p) => p.slice(1, -1));
  return [...plural, ...plain].sort();
}

/**
 * Look up `key` and fill `{name}` placeholders and plural counts. A missing key falls back to
 * Swedish, then to the key itself, so a gap is visible but never breaks the window.
 */
export function translate(language: Language, key: string, params: Params = {}): string {
  const text = (dictionaries[language][key] ?? dictionaries.sv[key] ?? key).replace(
    PLURAL,
    (whole, name: string, branches: string) => {
      const v = params[name];
      if (typeof v === "number") return pluralOf(language, v, branches);
      return typeof v === "object" ? pluralOf(language, v.count, branches, v.decimals) : whole;
    },
  );
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name];
    if (typeof v === "object") return pluralOf(language, v.count, "other {#}", v.decimals);
    return v === undefined ? whole : String(v);
  });
}

export function isLanguage(value: unknown): value is Language {
  return value === "sv" || value === "en";
}
