/**
 * One way to lay text out in aligned columns, for every text table of the
 * renderings and the CLI: the run summary's action table, the posture
 * report's figures and owner table (`run-summary-text.ts`,
 * `posture-text.ts`), and the CLI's listings (`cli/format/listing.ts`:
 * `runs list`, `report --list`, `owners list`, …). Columns are two spaces
 * apart, text columns left-aligned and number columns right-aligned, a cell
 * wider than its column is kept whole (an id is never cut), and no line ends
 * in spaces.
 *
 * It only lays out: the caller makes stored text safe for a terminal first
 * (`terminalText`, `sanitize.ts`), for which characters are unsafe and how
 * they are shown depends on where the text goes. Pure.
 */

/** How the columns of {@link alignedRows} are laid out. */
export interface ColumnLayout {
  /**
   * How many columns, from the left, are left-aligned (text); the others are
   * right-aligned (numbers). @default every column
   */
  readonly leftAligned?: number;
  /** The least width of each column (a column is as wide as its widest cell, or this). @default 0 */
  readonly minWidths?: readonly number[];
}

/**
 * Each column's width: its widest cell's (or its `minWidths` entry), in one
 * pass over the rows (a loop: spreading every row into `Math.max` as
 * arguments overflows the call stack past about 100,000 rows).
 */
function columnWidths(rows: readonly (readonly string[])[], minWidths: readonly number[] = []): number[] {
  const widths = [...minWidths];
  for (const row of rows) {
    for (const [i, cell] of row.entries()) {
      if (cell.length > (widths[i] ?? 0)) widths[i] = cell.length;
    }
  }
  return widths;
}

/**
 * One line of an aligned table: each cell padded to its column's width
 * (`widths`; a wider cell is kept whole), the first `leftAligned` cells at
 * the left, the others at the right, two spaces apart, with no trailing
 * spaces.
 */
export function alignedLine(
  cells: readonly string[],
  widths: readonly number[],
  leftAligned = Number.POSITIVE_INFINITY,
): string {
  return cells
    .map((cell, i) => (i < leftAligned ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
    .join('  ')
    .trimEnd();
}

/**
 * Rows as aligned lines (without line ends), each column as wide as its
 * widest cell: a header row, when there is one, is simply the first row.
 * @param rows the cells, already safe to print (stored text through `terminalText`)
 */
export function alignedRows(rows: readonly (readonly string[])[], layout: ColumnLayout = {}): string[] {
  const widths = columnWidths(rows, layout.minWidths);
  return rows.map((row) => alignedLine(row, widths, layout.leftAligned));
}
