// Keyboard movement in the value grid, as in a spreadsheet. Pure, so it is unit-tested.

export type Cell = { row: number; column: number };

/** Where focus goes after `key` in a grid of `rows` × `columns`; null = stay (let the input handle it). */
export function move(from: Cell, key: string, shift: boolean, rows: number, columns: number): Cell | null {
  const clamp = (c: Cell): Cell => ({
    row: Math.min(Math.max(c.row, 0), rows - 1),
    column: Math.min(Math.max(c.column, 0), columns - 1),
  });
  switch (key) {
    case "ArrowUp":
      return clamp({ row: from.row - 1, column: from.column });
    case "ArrowDown":
      return clamp({ row: from.row + 1, column: from.column });
    case "Enter":
      return clamp({ row: from.row + (shift ? -1 : 1), column: from.column });
    case "Tab": {
      // Tab walks along the row and wraps to the next row, like a spreadsheet.
      let { row, column } = from;
      column += shift ? -1 : 1;
      if (column >= columns) {
        column = 0;
        row += 1;
      } else if (column < 0) {
        column = columns - 1;
        row -= 1;
      }
      // Past the first or last cell there is nowhere to go.
      return row < 0 || row >= rows ? from : { row, column };
    }
    default:
      return null;
  }
}
