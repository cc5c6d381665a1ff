/**
 * One way to print a listing of records (`runs list`, `runs show`, `guard
 * status`): an aligned text table for people, or CSV (RFC 4180, a header
 * row) for spreadsheets. Stored text goes through the sanitiser each way
 * (`terminalText` for a cell on a terminal, `csvCell` for CSV). JSON output is
 * the command's own (it keeps types and nesting).
 */
import { terminalText } from '../../lambdas/render/sanitize';
import { csvCell } from './plan-csv';

/** A cell: text, a number, or nothing (printed `-` in a table, empty in CSV). */
export type ListingCell = string | number | undefined;

/** The table form: a header line and one aligned line per row. */
export function listingTable(header: readonly string[], rows: readonly (readonly ListingCell[])[]): string {
  const text = rows.map((row) => row.map((cell) => (cell === undefined ? '-' : terminalText(String(cell)))));
  const widths = header.map((h, i) => Math.max(h.length, ...text.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...text.map(line)].join('\n')}\n`;
}

/** The CSV form: a header row, then one row per record (CRLF line ends). */
export function listingCsv(header: readonly string[], rows: readonly (readonly ListingCell[])[]): string {
  const row = (cells: readonly ListingCell[]) => cells.map((c) => csvCell(c ?? null)).join(',');
  return [header, ...rows].map((cells) => `${row(cells)}\r\n`).join('');
}
