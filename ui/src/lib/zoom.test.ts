import { describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/webview", () => ({ getCurrentWebview: () => ({ setZoom: vi.fn() }) }));
const { parseZoom, stepZoom } = await import("./zoom.svelte");

describe("zoom", () => {
  it("steps through the levels a browser offers, to 200 % in five steps", () => {
    let level = 1;
    const seen = [];
    for (let i = 0; i < 5; i++) seen.push((level = stepZoom(level, "in")));
    expect(seen).toEqual([1.1, 1.25, 1.5, 1.75, 2]);
    expect(stepZoom(2, "out")).toBe(1.75);
  });

  it("stops at the ends and finds its way from a level between steps", () => {
    expect(stepZoom(3, "in")).toBe(3);
    expect(stepZoom(0.8, "out")).toBe(0.8);
    expect(stepZoom(1.3, "in")).toBe(1.5);
    expect(stepZoom(1.3, "out")).toBe(1.25);
  });

  it("remembers only a level a person could have chosen", () => {
    expect(parseZoom("1.5")).toBe(1.5);
    expect(parseZoom("7")).toBe(1);
    expect(parseZoom("abc")).toBe(1);
    expect(parseZoom(null)).toBe(1);
  });
});
