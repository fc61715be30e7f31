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
      return translate(language, "explanation.manual", { label: e.label });
  }
}
