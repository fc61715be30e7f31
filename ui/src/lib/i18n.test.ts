import { describe, expect, it } from "vitest";
import { dictionaries, translate } from "./i18n";

describe("translations", () => {
  it("Swedish and English have exactly the same keys", () => {
    const sv = Object.keys(dictionaries.sv).sort();
    const en = Object.keys(dictionaries.en).sort();
    expect(en.filter((k) => !sv.includes(k))).toEqual([]);
    expect(sv.filter((k) => !en.includes(k))).toEqual([]);
  });

  it("no text is empty and placeholders match between languages", () => {
    const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort().join(",");
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
      "internal",
    ];
    for (const c of codes) {
      expect(dictionaries.sv[`error.${c}`], c).toBeTruthy();
    }
  });
});
