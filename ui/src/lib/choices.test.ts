import { describe, expect, it } from "vitest";
import { chooseYear } from "./choices";

const years = (...ys: number[]) => ys.map((year) => ({ year, vision: "", scale_steps: 3 }));

describe("chooseYear", () => {
  it("picks the current year when it exists", () => {
    expect(chooseYear(years(2024, 2025, 2026), "2026-11-26")).toBe(2026);
  });
  it("picks the latest earlier year when the current one is missing", () => {
    expect(chooseYear(years(2022, 2023), "2026-02-01")).toBe(2023);
  });
  it("picks the first year when all are in the future", () => {
    expect(chooseYear(years(2030, 2028), "2026-02-01")).toBe(2028);
  });
  it("gives nothing for an empty database", () => {
    expect(chooseYear([], "2026-02-01")).toBeNull();
  });
});
