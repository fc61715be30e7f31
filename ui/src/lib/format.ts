// Numbers, statuses and explanations as people read them. Pure functions, unit-tested.
import type { Explanation } from "../generated/Explanation";
import type { Status } from "../generated/Status";
import type { Trend } from "../generated/Trend";
import { translate, type Language } from "./i18n";

/** A number in the language's style: Swedish "1 234,5", English "1,234.5". */
export function formatNumber(value: number, decimals: number, language: Language): string {
  const locale = language === "sv" ? "sv-SE" : "en-GB";
  return new Intl.NumberFormat(locale, {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  }).format(value);
}

/**
 * How far apart two figures are, as a reader can trust it: `amount` (positive = worse for a
 * gap, better for an improvement) against `base` (the target, or last year's value). For a
 * percentage the difference is in percentage points ("7 procentenheter", never "10 %");
 * against a base of 0 or below the difference itself with the indicator's unit (a share of 0
 * means nothing, and a share of a negative number has the wrong sign: 3 st from a target of
 * −2 st is "3 st"); otherwise the share of the base, in per cent. As `text::difference_sv` in
 * the core.
 */
export function differenceText(
  amount: number,
  base: number,
  unit: string,
  decimals: number,
  language: Language,
): string {
  const u = unit.trim();
  if (u === "%") return translate(language, "difference.points", { points: { count: amount, decimals } });
  if (base <= 1e-12) return `${formatNumber(amount, decimals, language)} ${u}`.trim();
  const share = (amount / Math.abs(base)) * 100;
  return `${formatNumber(share, Math.abs(share) < 10 ? 1 : 0, language)} %`;
}

/**
 * The text colour (a token) readable on a background the user chose (`#rrggbb`, e.g. a scale
 * step's colour): dark text on light colours, white on dark ones, whichever has more contrast.
 */
export function textOn(background: string): string {
  const hex = /^#?([0-9a-f]{6})$/i.exec(background.trim())?.[1];
  if (!hex) return "var(--colour-text)";
  const channel = (i: number): number => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
  // Contrast with white (1.05 / (L + 0.05)) against with near-black text (#1d2530, L ≈ 0.018).
  return 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.068 ? "var(--colour-on-primary)" : "var(--colour-text)";
}

/** The shape shown beside every colour, so colour is never the only signal. */
export function statusSymbol(status: Status | null): string {
  switch (status) {
    case "green":
      return "●";
    case "yellow":
      return "▲";
    case "red":
      return "■";
    default:
      return "○";
  }
}

export function trendArrow(trend: Trend | null): string {
  switch (trend) {
    case "better":
      return "↗";
    case "worse":
      return "↘";
    case "unchanged":
      return "→";
    default:
      return "";
  }
}

/** The sentence that says which values and which rule made a status. */
export function explain(e: Explanation, language: Language, decimals = 1): string {
  const n = (v: number) => formatNumber(v, decimals, language);
  const dir = (d: "higher" | "lower") => translate(language, `direction.${d}`);
  switch (e.rule) {
    case "no_value":
    case "nothing_to_roll_up":
      return translate(language, `explanation.${e.rule}`);
    case "no_target":
      return translate(language, "explanation.no_target", { value: n(e.value) });
    case "meets_target":
      return translate(language, "explanation.meets_target", {
        value: n(e.value),
        target: n(e.target),
        direction: dir(e.direction),
      });
    case "within_tolerance":
    case "outside_tolerance":
      return translate(language, `explanation.${e.rule}`, {
        value: n(e.value),
        target: n(e.target),
        limit: n(e.yellow_limit),
        direction: dir(e.direction),
      });
    case "roll_up":
      return translate(language, "explanation.roll_up", {
        green: e.green,
        yellow: e.yellow,
        red: e.red,
        mean: formatNumber(e.mean_points, 2, language),
      });
    case "manual":
      return translate(language, "explanation.manual", {
        label: language === "en" && e.label_en ? e.label_en : e.label,
      });
  }
}
