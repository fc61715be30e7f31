import { describe, expect, it } from "vitest";
import { dictionaries, placeholdersOf, pluralOf, translate } from "./i18n";

describe("translations", () => {
  it("Swedish and English have exactly the same keys", () => {
    const sv = Object.keys(dictionaries.sv).sort();
    const en = Object.keys(dictionaries.en).sort();
    expect(en.filter((k) => !sv.includes(k))).toEqual([]);
    expect(sv.filter((k) => !en.includes(k))).toEqual([]);
  });

  it("no text is empty and placeholders match between languages", () => {
    const placeholders = (s: string) => placeholdersOf(s).join(",");
    for (const [key, sv] of Object.entries(dictionaries.sv)) {
      const en = dictionaries.en[key] ?? "";
      expect(sv.trim(), key).not.toBe("");
      expect(en.trim(), key).not.toBe("");
      expect(placeholders(en), key).toBe(placeholders(sv));
    }
  });

  it("fills placeholders and keeps Swedish characters", () => {
    expect(translate("sv", "scorecard.heading", { unit: "Hemtjänsten Öster" })).toBe("Styrkort för Hemtjänsten Öster");
    expect(translate("en", "scorecard.heading", { unit: "Hemtjänsten Öster" })).toBe("Scorecard for Hemtjänsten Öster");
  });

  it("falls back to the key when a text is missing, so the gap is visible", () => {
    expect(translate("en", "no.such.key")).toBe("no.such.key");
  });

  it("has a text for every error code the core can send", () => {
    const codes = [
      "not_found",
      "validation",
      "conflict",
      "period_locked",
      "io",
      "bad_file",
      "newer_database",
      "bad_database",
      "database_busy",
      "permission_denied",
      "disconnected",
      "internal",
    ];
    for (const c of codes) {
      expect(dictionaries.sv[`error.${c}`], c).toBeTruthy();
    }
  });

  it("makes every count agree with its number, in Swedish and in English", () => {
    expect(translate("sv", "grid.saved", { count: 1 })).toBe("Sparat (1 ändrad cell).");
    expect(translate("sv", "grid.saved", { count: 3 })).toBe("Sparat (3 ändrade celler).");
    expect(translate("en", "grid.saved", { count: 1 })).toBe("Saved (1 changed cell).");
    expect(translate("sv", "red.intro", { count: 1, unit: "Hemtjänsten" })).toBe(
      "1 rött nyckeltal för Hemtjänsten och enheterna under.",
    );
    expect(translate("sv", "red.intro", { count: 0, unit: "Hemtjänsten" })).toBe(
      "0 röda nyckeltal för Hemtjänsten och enheterna under.",
    );
    const rollUp = translate("sv", "explanation.roll_up", { green: 0, yellow: 0, red: 1, mean: "0,00" });
    expect(rollUp).toContain("0 uppnådda, 0 nära och 1 ej uppnått:");
    expect(translate("en", "explanation.roll_up", { green: 1, yellow: 2, red: 0, mean: "1.00" })).toContain(
      "1 met, 2 close and 0 not met",
    );
    expect(pluralOf("sv", 1500, "one {# värde} other {# värden}")).toBe("1\u00a0500 värden");
  });

  it("finds plural counts among the placeholders", () => {
    expect(placeholdersOf("{count, plural, one {# cell} other {# celler}} i {unit}")).toEqual(["count", "unit"]);
  });
});
