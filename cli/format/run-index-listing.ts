/**
 * `runs list` as it prints: the runs with a manifest (docs/data-model.md,
 * "Run manifests"), newest first, with the deletions each wrote and those
 * whose write failed but may have taken effect (`UNCONFIRMED`), in one output format — a table, JSON or
 * CSV, with the table and CSV helpers every listing uses (`listing.ts`).
 * Beside `runs show`'s listing (`run-entry-listing.ts`); the command only
 * reads the run index and writes this text.
 */
import type { RunIndexEntry } from '../../lambdas/hygiene/run-manifest';
import { jsonText } from '../../lambdas/render/json-text';
import type { LISTING_FORMATS } from '../options/formats';
import { type ListingCell, listingCsv, listingTable } from './listing';

/** The formats `runs list` writes. */
export type RunIndexListingFormat = (typeof LISTING_FORMATS)[number];

/** The columns of the table and the CSV header. */
const RUN_COLUMNS = ['RUN ID', 'NOW', 'STATUS', 'DELETED', 'UNCONFIRMED'] as const;

/** A run's cells: `DELETED` the deletions written; `UNCONFIRMED` empty for a line written before it was recorded. */
const runRow = (r: RunIndexEntry): ListingCell[] => [r.runId, r.now, r.status, r.deleted, r.unconfirmed];

/**
 * The runs in `format`: JSON (one array), CSV (a header, then a row a run),
 * or a table — or, for no run, a sentence saying why there is none.
 */
export function runIndexListing(format: RunIndexListingFormat, runs: readonly RunIndexEntry[]): string {
  if (format === 'json') return `${jsonText(runs)}\n`;
  if (format === 'csv') return listingCsv(RUN_COLUMNS, runs.map(runRow));
  if (runs.length === 0) return 'No run manifests (no enforce run has deleted anything).\n';
  return listingTable(RUN_COLUMNS, runs.map(runRow));
}
