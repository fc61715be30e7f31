// The window's zoom (Ctrl + plus, Ctrl + minus, Ctrl + 0), the webview's real page zoom rather
// than CSS zoom: the layout reflows as in a browser, and the choice is remembered between starts,
// so a person who needs 200 % sets it once.
import { getCurrentWebview } from "@tauri-apps/api/webview";

const STORAGE_KEY = "styrkort.zoom";

/** The levels a step goes through, as browsers offer them. */
export const ZOOM_LEVELS: readonly number[] = [0.8, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3];

/** The next level up or down from `current` (which need not be one of the levels). */
export function stepZoom(current: number, direction: "in" | "out"): number {
  if (direction === "in") return ZOOM_LEVELS.find((l) => l > current + 1e-9) ?? ZOOM_LEVELS[ZOOM_LEVELS.length - 1]!;
  return [...ZOOM_LEVELS].reverse().find((l) => l < current - 1e-9) ?? ZOOM_LEVELS[0]!;
}

/** A remembered level, when it is one a person could have chosen; else 100 %. */
export function parseZoom(saved: string | null | undefined): number {
  const level = Number(saved);
  return ZOOM_LEVELS.includes(level) ? level : 1;
}

function saved(): number {
  try {
    return parseZoom(globalThis.localStorage?.getItem(STORAGE_KEY));
  } catch {
    return 1;
  }
}

export const zoom = $state({ level: saved() });

/** Zoom the window to `level` and remember it. */
export async function setZoom(level: number): Promise<void> {
  zoom.level = level;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, String(level));
  } catch {
    // Storage may be unavailable; the level then lasts for this session only.
  }
  await getCurrentWebview().setZoom(level);
}

/** At start: the remembered level, when it is not 100 %. */
export async function restoreZoom(): Promise<void> {
  if (zoom.level !== 1) await getCurrentWebview().setZoom(zoom.level);
}
