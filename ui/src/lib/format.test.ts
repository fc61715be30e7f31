import { describe, expect, it } from "vitest";
import { differenceText, explain, formatNumber, statusSymbol, textOn, trendArrow } from "./format";

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
    expect(text).toContain("1 met, 0 close and 1 not met");
    expect(text).toContain("1.00");
  });
  it("says when a person's assessment decided", () => {
    expect(explain({ rule: "manual", step: 2, label: "Delvis uppfyllt", label_en: "Partly met" }, "sv")).toBe(
      "Manuell bedömning: Delvis uppfyllt.",
    );
  });
  it("says the step in the core's English words (a forecast at delår)", () => {
    const e = {
      rule: "manual",
      step: 2,
      label: "Bedöms delvis uppfyllas",
      label_en: "Expected to be partly met",
    } as const;
    expect(explain(e, "en")).toContain("Expected to be partly met");
  });
});

describe("differenceText (Från målet)", () => {
  it("gives percentage points for a percentage, never a per cent of a per cent", () => {
    expect(differenceText(72 - 65, 72, "%", 0, "sv")).toBe("7 procentenheter");
    expect(differenceText(1, 72, "%", 0, "sv")).toBe("1 procentenhet");
    expect(differenceText(1, 72, "%", 1, "sv")).toBe("1,0 procentenheter");
    expect(differenceText(7, 72, "%", 0, "en")).toBe("7 percentage points");
  });
  it("gives the difference itself against a target of 0 (budget deviation −3,2 % is not 320 %)", () => {
    expect(differenceText(0 - -3.2, 0, "%", 1, "sv")).toBe("3,2 procentenheter");
    expect(differenceText(3.2, 0, "mnkr", 1, "sv")).toBe("3,2 mnkr");
  });
  it("gives the difference itself in the unit against a target below zero", () => {
    expect(differenceText(3, -2, "mnkr", 0, "sv")).toBe("3 mnkr");
    expect(differenceText(1.5, -0.5, "%", 1, "sv")).toBe("1,5 procentenheter");
  });
  it("gives the share of the target otherwise", () => {
    expect(differenceText(20, 100, "kr", 0, "sv")).toBe("20 %");
    expect(differenceText(0.5, 10, "dagar", 1, "sv")).toBe("5,0 %");
  });
});

describe("textOn (text on a colour the user chose)", () => {
  it("is white on dark colours and dark on light ones", () => {
    expect(textOn("#1f3b5a")).toBe("var(--colour-on-primary)");
    expect(textOn("#c62828")).toBe("var(--colour-on-primary)");
    expect(textOn("#f9a825")).toBe("var(--colour-text)");
    expect(textOn("#d08d1f")).toBe("var(--colour-text)");
    expect(textOn("#ffffff")).toBe("var(--colour-text)");
    expect(textOn("not a colour")).toBe("var(--colour-text)");
  });
});
