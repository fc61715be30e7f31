import { describe, expect, it } from "vitest";
import type { SeriesPoint } from "../generated/SeriesPoint";
import { chartGeometry, trendPoints } from "./chart";

const p = (
  year: number,
  kind: SeriesPoint["kind"],
  value: number | null,
  target: number | null = null,
): SeriesPoint => ({
  year,
  kind,
  label: `${year} ${kind}`,
  value,
  women: null,
  men: null,
  target,
});

describe("trendPoints", () => {
  it("keeps one value per year and adds the newest in-year value", () => {
    const pts = [
      p(2024, "helar", 5),
      p(2025, "tertial", 4),
      p(2025, "helar", 6),
      p(2026, "tertial", 7),
      p(2026, "delar", 8),
    ];
    expect(trendPoints(pts).map((x) => x.label)).toEqual(["2024 helar", "2025 helar", "2026 delar"]);
  });
  it("does not add an in-year value of a year that already has its helår", () => {
    expect(trendPoints([p(2025, "delar", 4), p(2025, "helar", 6)]).map((x) => x.label)).toEqual(["2025 helar"]);
  });
});

describe("chartGeometry", () => {
  it("puts the highest value at the top and the lowest at the bottom", () => {
    const g = chartGeometry([p(2024, "helar", 10, 12), p(2025, "helar", 20, 12)], 100, 50, 5);
    expect(g.value).toBe("5.0,45.0 95.0,5.0");
    expect(g.target).toBe("5.0,37.0 95.0,37.0");
    expect([g.min, g.max]).toEqual([10, 20]);
  });
  it("handles a flat series without dividing by zero", () => {
    const g = chartGeometry([p(2024, "helar", 3), p(2025, "helar", 3)], 100, 50, 5);
    expect(g.value).not.toContain("NaN");
  });
});

describe("chartGeometry places the years by time", () => {
  it("leaves the gap of a missing year instead of spacing the points evenly", () => {
    const g = chartGeometry([p(2022, "helar", 1), p(2024, "helar", 2), p(2025, "helar", 3)], 320, 100, 10);
    const [a = 0, b = 0, c = 0] = g.xs;
    expect(a).toBeCloseTo(10);
    expect(c).toBeCloseTo(310);
    expect(b - a).toBeCloseTo(2 * (c - b));
  });
  it("puts an in-year value within its year", () => {
    const g = chartGeometry([p(2024, "helar", 1), p(2025, "helar", 2), p(2026, "delar", 3)], 320, 100, 10);
    const [a = 0, b = 0, c = 0] = g.xs;
    expect((c - b) / (b - a)).toBeCloseTo(8 / 12);
  });
});
