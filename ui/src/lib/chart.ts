// Geometry for trend charts: pure functions from series points to SVG coordinates.
import type { SeriesPoint } from "../generated/SeriesPoint";

/** One point per year (the helår value), plus the newest in-year value when it is newer. */
export function trendPoints(points: readonly SeriesPoint[]): SeriesPoint[] {
  const yearly = points.filter((p) => p.kind === "helar" && p.value !== null);
  const last = points.filter((p) => p.value !== null).at(-1);
  if (last && last.kind !== "helar" && !yearly.some((p) => p.year >= last.year)) {
    return [...yearly, last];
  }
  return yearly;
}

/**
 * When a point's period ends, in years: helår at the end of its year, T1 after four months,
 * delår after eight, a month (label "YYYY-MM") at its end.
 */
export function timeOf(p: SeriesPoint): number {
  switch (p.kind) {
    case "helar":
      return p.year + 1;
    case "tertial":
      return p.year + 4 / 12;
    case "delar":
      return p.year + 8 / 12;
    default: {
      const month = /-(\d{2})\b/.exec(p.label)?.[1];
      return p.year + (month ? Number(month) : 6) / 12;
    }
  }
}

export type Geometry = {
  value: string;
  target: string;
  women: string;
  men: string;
  min: number;
  max: number;
  xs: number[];
};

/** SVG polyline strings for value, target, women and men, scaled into the box. */
export function chartGeometry(points: readonly SeriesPoint[], width: number, height: number, pad: number): Geometry {
  const series = trendPoints(points);
  const numbers = series.flatMap((p) => [p.value, p.target, p.women, p.men]).filter((v): v is number => v !== null);
  const min = numbers.length ? Math.min(...numbers) : 0;
  const max = numbers.length ? Math.max(...numbers) : 1;
  const span = max - min || Math.abs(max) || 1;
  // Placed by time, not by index: 2022, 2024 and 2025 leave the gap of a missing 2023.
  const times = series.map(timeOf);
  const first = Math.min(...times);
  const spanT = Math.max(...times) - first;
  const xs = times.map((at) => (spanT === 0 ? width / 2 : pad + ((at - first) * (width - 2 * pad)) / spanT));
  const y = (v: number) => pad + (height - 2 * pad) * (1 - (v - min) / span);
  const line = (pick: (p: SeriesPoint) => number | null) =>
    series
      .map((p, i) => {
        const v = pick(p);
        return v === null ? null : `${(xs[i] ?? 0).toFixed(1)},${y(v).toFixed(1)}`;
      })
      .filter((s): s is string => s !== null)
      .join(" ");
  return {
    value: line((p) => p.value),
    target: line((p) => p.target),
    women: line((p) => p.women),
    men: line((p) => p.men),
    min,
    max,
    xs,
  };
}
