/**
 * One way to print a listing of records (`runs list`, `runs show`, `report
 * --list`, `owners list`, the deletions of `sweep --dry-run`): an aligned
 * text table for people (laid out by `alignedRows`,
 * lambdas/render/aligned-rows.ts, as every text table is), or CSV (RFC 4180,
 * a header row) for spreadsheets. Stored text goes through the sanitiser
 * each way (`terminalText` for a cell on a terminal,
 * `csvCell` for CSV). JSON output is the command's own (it keeps types and
 * nesting). A table heads its columns in capitals (`USER ID`, `DELETE
 * AFTER`), as every table listing of the CLI does (`plan`'s and `owners
 * list`'s too); a CSV header is a machine format and keeps the names it has.
 *
 * A listing that may be as long as a table (`report --list`) streams: its
 * table has fixed column widths ({@link streamingListingTable}) and its CSV is
 * written a row at a time ({@link listingCsvRows}), so nothing holds every row.
 */
import { alignedLine, alignedRows } from '../../lambdas/render/aligned-rows';
import { terminalText } from '../../lambdas/render/sanitize';
import { csvCell } from './plan-csv';

/** A cell: text, a number, or nothing (printed `-` in a table, empty in CSV). */
export type ListingCell = string | number | undefined;

/** A row's cells as terminal text: `-` for nothing, stored text through `terminalText`. */
function terminalCells(row: readonly ListingCell[]): string[] {
  return row.map((cell) => (cell === undefined ? '-' : terminalText(String(cell))));
}

/** The table form: a header line and one aligned line per row (columns as wide as their widest cell). */
export function listingTable(header: readonly string[], rows: readonly (readonly ListingCell[])[]): string {
  return alignedRows([header, ...rows.map(terminalCells)])
    .map((line) => `${line}\n`)
    .join('');
}

/** A column of a {@link streamingListingTable}: its header and the width its cells are padded to. */
export interface ListingColumn {
  readonly header: string;
  readonly width: number;
}

/**
 * The table form for a listing printed as it is read: columns of fixed
 * widths (at least the header's), so no row has to wait for the widest cell
 * of all. A cell wider than its column is printed whole (an id is never cut)
 * and shifts the rest of its row.
 */
export function streamingListingTable(columns: readonly ListingColumn[]): {
  /** The header line, with its line end. */
  readonly header: string;
  /** The rows' lines, each with its line end. */
  rows(rows: readonly (readonly ListingCell[])[]): string;
} {
  const widths = columns.map((c) => Math.max(c.header.length, c.width));
  return {
    header: `${alignedLine(
      columns.map((c) => c.header),
      widths,
    )}\n`,
    rows: (rows) => rows.map((row) => `${alignedLine(terminalCells(row), widths)}\n`).join(''),
  };
}

/** CSV rows (CRLF line ends), without a header: for a listing written a page at a time. */
export function listingCsvRows(rows: readonly (readonly ListingCell[])[]): string {
  return rows.map((cells) => `${cells.map((c) => csvCell(c ?? null)).join(',')}\r\n`).join('');
}

/** The CSV form: a header row, then one row per record (CRLF line ends). */
export function listingCsv(header: readonly string[], rows: readonly (readonly ListingCell[])[]): string {
  return listingCsvRows([header, ...rows]);
}
