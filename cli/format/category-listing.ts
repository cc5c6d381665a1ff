/**
 * `report --list CATEGORY` as it streams: the credentials behind one figure
 * of the report, written a scan page at a time as a table, one JSON array or
 * CSV, so a category as large as the table never has to fit in memory (or in
 * one string). The table's columns have fixed widths for that reason
 * (`streamingListingTable`); the JSON is the same document
 * `JSON.stringify(rows, null, 2)` gave, with stored text through `jsonText`.
 */
import { jsonText } from '../../lambdas/render/json-text';
import type { ListedCredential } from '../use-cases/report-table';
import { type ListingCell, listingCsvRows, streamingListingTable } from './listing';

/**
 * The columns: the table's heading (in capitals, as every CLI table listing heads its columns), the CSV header's
 * name for it (a machine format: its names stay as scripts read them), and the width the table pads it to (a
 * 27-character KSUID id; a canonical UTC instant).
 */
const COLUMNS = [
  { header: 'ID', csv: 'id', width: 27 },
  { header: 'OWNER', csv: 'owner', width: 27 },
  { header: 'DISPLAY NAME', csv: 'displayName', width: 24 },
  { header: 'EXPIRES', csv: 'expiresTime', width: 24 },
  { header: 'LAST USED', csv: 'lastUsedAt', width: 24 },
  { header: 'CREATED', csv: 'createdAt', width: 24 },
  { header: 'DELETED AT', csv: 'deletedAt', width: 24 },
  { header: 'PROBLEMS', csv: 'problems', width: 0 },
] as const;

/** The formats `report --list` writes. */
export type CategoryListingFormat = 'table' | 'json' | 'csv';

/** Writes a listing in three parts: the start, each page's rows, the end. */
export interface CategoryListing {
  start(): string;
  rows(rows: readonly ListedCredential[]): string;
  end(): string;
}

function cells(r: ListedCredential): ListingCell[] {
  return [
    r.id,
    r.userId,
    r.displayName,
    r.expiresTime,
    r.lastUsedAt,
    r.createdAt,
    r.deletedAt,
    r.problems?.join('; '),
  ];
}

/** One element of the JSON array, as `JSON.stringify(rows, null, 2)` indents it. */
function jsonElement(row: ListedCredential): string {
  return jsonText(row, 2).replaceAll('\n', '\n  ');
}

/**
 * A listing formatter for `format` (the table ends with the count of rows it
 * wrote, the JSON array needs to know its first element).
 */
export function categoryListing(format: CategoryListingFormat): CategoryListing {
  if (format === 'json') {
    let first = true;
    const element = (row: ListedCredential) => {
      const separator = first ? '\n' : ',\n';
      first = false;
      return `${separator}  ${jsonElement(row)}`;
    };
    return {
      start: () => '[',
      rows: (rows) => rows.map(element).join(''),
      end: () => (first ? ']\n' : '\n]\n'),
    };
  }
  if (format === 'csv') {
    return {
      start: () => listingCsvRows([COLUMNS.map((c) => c.csv)]),
      rows: (rows) => listingCsvRows(rows.map(cells)),
      end: () => '',
    };
  }
  const table = streamingListingTable(COLUMNS);
  let count = 0;
  return {
    start: () => table.header,
    rows: (rows) => {
      count += rows.length;
      return table.rows(rows.map(cells));
    },
    end: () => `${count} credential(s)\n`,
  };
}
