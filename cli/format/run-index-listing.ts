/**
 * `runs list` as it prints: the runs with a manifest (docs/data-model.md,
 * "Run manifests"), newest first, with the deletions each wrote and those
 * whose write failed but may have taken effect (`UNCONFIRMED`), in one output format — a table, JSON or
 * CSV, with the table and CSV helpers every listing uses (`listing.ts`).
 * Beside `runs show`'s listing (`run-entry-listing.ts`); the command only
 * reads the run index and writes this text.
 */
import { HYGIENE_ATTR } from '../../lambdas/hygiene/data-contract';
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
 * The table's sentence for no run listed, claiming only what the index
 * shows: runs left out as malformed (named on stderr), or an index that lists
 * none — which does not mean no run deleted anything: a run that ended
 * before recording its manifest is not indexed, and its deletions carry its id.
 */
function noRunText(malformed: number): string {
  if (malformed > 0)
    return `No run listed: the index's ${malformed} run(s) are malformed (named on stderr).\n`;
  return (
    'No run manifests: the run index lists no run (a run that deleted nothing keeps none; one that ended before ' +
    `recording its manifest is not listed, and its deletions carry ${HYGIENE_ATTR.deletedByRun} = its run id: ` +
    'pc-hygiene export shows them).\n'
  );
}

/**
 * The runs in `format`: JSON (one array), CSV (a header, then a row a run),
 * or a table — or, for no run, a sentence saying why there is none.
 * @param malformed how many runs of the index were left out as malformed (the table's sentence for none says so)
 */
export function runIndexListing(
  format: RunIndexListingFormat,
  runs: readonly RunIndexEntry[],
  malformed = 0,
): string {
  if (format === 'json') return `${jsonText(runs)}\n`;
  if (format === 'csv') return listingCsv(RUN_COLUMNS, runs.map(runRow));
  if (runs.length === 0) return noRunText(malformed);
  return listingTable(RUN_COLUMNS, runs.map(runRow));
}
