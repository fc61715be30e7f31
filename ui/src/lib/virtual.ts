// Windowing for long lists: only the rows in view (plus a margin) are put in the page.

export type RowWindow = { start: number; end: number; padTop: number; padBottom: number };

/**
 * The rows to render for a list of `total` rows of `rowHeight` pixels, scrolled to
 * `scrollTop` in a viewport `viewport` pixels high, with `overscan` extra rows on each side.
 */
export function rowWindow(
  scrollTop: number,
  viewport: number,
  rowHeight: number,
  total: number,
  overscan = 8,
): RowWindow {
  if (total <= 0 || rowHeight <= 0) return { start: 0, end: 0, padTop: 0, padBottom: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const visible = Math.ceil(Math.max(0, viewport) / rowHeight) + 1;
  const start = Math.min(Math.max(0, first - overscan), total);
  const end = Math.min(total, first + visible + overscan);
  return { start, end, padTop: start * rowHeight, padBottom: (total - end) * rowHeight };
}
