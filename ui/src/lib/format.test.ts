import { describe, expect, it } from "vitest";
import { explain, formatNumber, statusSymbol, trendArrow } from "./format";

const nbsp = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");

describe("formatNumber", () => {
  it("uses decimal comma and space grouping in Swedish", () => {
    expect(nbsp(formatNumber(1234567.891, 1, "sv"))).toBe("1 234 567,9");
    expect(nbsp(formatNumber(8.05, 2, "sv"))).toBe("8,05");
  });
  it("uses decimal point in English", () => {
    expect(formatNumber(1234.5, 1, "en")).toBe("1,234.5");
  });
  it("keeps the sign of negative results", () => {
    expect(nbsp(formatNumber(-2050, 0, "sv"))).toMatch(/^[-−]2 050$/);
  });
});

describe("symbols", () => {
  it("gives every status a distinct shape, so colour is never the only signal", () => {
    const shapes = [statusSymbol("green"), statusSymbol("yellow"), statusSymbol("red"), statusSymbol(null)];
    expect(new Set(shapes).size).toBe(4);
  });
  it("shows a trend arrow only when there is a comparison", () => {
    expect(trendArrow("better")).toBe("↗");
    expect(trendArrow("worse")).toBe("↘");
    expect(trendArrow(null)).toBe("");
  });
});

describe("explain", () => {
  it("names value, limit, target and direction for a red indicator", () => {
    const text = explain(
      { rule: "outside_tolerance", value: 9.1, target: 7, yellow_limit: 7.7, direction: "lower" },
      "sv",
      1,
    );
    expect(text).toBe("Utfall 9,1 ligger utanför gränsen 7,7 för målet 7,0 (lägre är bättre).");
  });
  it("explains a roll-up with its counts, in English too", () => {
    const text = explain({ rule: "roll_up", green: 1, yellow: 0, red: 1, without_status: 0, mean_points: 1 }, "en");
    expect(text).toContain("1 green, 0 yellow and 1 red");
    expect(text).toContain("1.00");
  });
  it("says when a person's assessment decided", () => {
    expect(explain({ rule: "manual", step: 2, label: "Delvis uppfyllt" }, "sv")).toBe(
      "Manuell bedömning: Delvis uppfyllt.",
    );
  });
});
