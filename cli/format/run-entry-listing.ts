/**
 * `runs show RUN_ID` as it streams: one run manifest's entries — every
 * credential the run deleted, its owner, rule and dates (docs/data-model.md,
 * "Run manifests") — written in parts as the manifest's pages are read, so
 * output closed by its reader (`| head`) stops the reading of further pages.
 * JSON and CSV are written as the pages come; the table waits for the last
 * page (its columns fit the widest value) and is headed by the run's header
 * as a few lines of text. An entry whose write failed but may have taken
 * effect (`mayHaveApplied`) says so in the last column (`UNCONFIRMED`: the
 * words in the table, `true` in the CSV). Beside `report --list`'s listing
 * (`category-listing.ts`), with the same table and CSV helpers (`listing.ts`);
 * the command only reads the pages and writes these parts.
 */
import { operatorText } from '../../lambdas/hygiene/operator-identity';
import type { ManifestEntry, RunManifestHeader } from '../../lambdas/hygiene/run-manifest';
import { jsonText } from '../../lambdas/render/json-text';
import { terminalLines } from '../../lambdas/render/sanitize';
import type { MalformedManifestEntry, MissingManifestPage } from '../aws/run-manifest-parse';
import type { LISTING_FORMATS } from '../options/formats';
import { type ListingCell, listingCsvRows, listingTable } from './listing';

/** The formats `runs show` writes. */
export type RunEntryListingFormat = (typeof LISTING_FORMATS)[number];

/** The columns of the table and the CSV header. */
const ENTRY_COLUMNS = [
  'ID',
  'USER ID',
  'RULE',
  'DELETED AT',
  'EXPIRES',
  'LAST USED',
  'CREATED',
  'FLAGGED',
  'DELETE AFTER',
  'CLIENT ID',
  'DISPLAY NAME',
  'UNCONFIRMED',
] as const;

/** The table's words for an entry marked `mayHaveApplied` (its write failed but may have taken effect). */
const UNCONFIRMED_WORDS = 'write failed; may not have applied: check the item';

/**
 * An entry's cells; `unconfirmed` is the last cell of an entry marked
 * `mayHaveApplied` (the table's words, or the CSV's `true`), empty otherwise.
 */
const entryRow = (e: ManifestEntry, unconfirmed: string): ListingCell[] => [
  e.id,
  e.userId,
  e.rule,
  e.deletedAt,
  e.expiresTime,
  e.lastUsedAt,
  e.createdAt,
  e.flaggedAt,
  e.deleteAfter,
  e.clientId,
  e.displayName,
  e.mayHaveApplied === true ? unconfirmed : undefined,
];
const tableRow = (e: ManifestEntry) => entryRow(e, `(${UNCONFIRMED_WORDS})`);
const csvRow = (e: ManifestEntry) => entryRow(e, 'true');

/** The header's unconfirmed deletions, when it counts any, for its `Deleted` line. */
function unconfirmedText(h: RunManifestHeader): string {
  const n = h.deleted.unconfirmed ?? 0;
  return n > 0 ? `; ${n} unconfirmed (write failed; may not have applied: check the items)` : '';
}

/**
 * The header as a few lines of text above the table. Every field is stored
 * (`by` and `approvedBy` are free text an operator typed; the caller ARNs
 * beside them are stored text too): each line goes
 * through `terminalText` on its own, so a field can neither drive the
 * terminal nor start a line of its own.
 */
function headerText(h: RunManifestHeader): string {
  const { approvedBy, approverCallerArn } = h.guard;
  const approver = approvedBy
    ? ` (approval by ${operatorText({ by: approvedBy, callerArn: approverCallerArn })})`
    : '';
  const guard = h.guard.tripped
    ? `guard tripped, ${h.guard.overridden ? `overridden${approver}` : 'not overridden'}`
    : 'guard ok';
  const by = h.by ? `, by ${operatorText({ by: h.by, callerArn: h.callerArn })}` : '';
  return terminalLines([
    `Run ${h.runId} (${h.status}${by}): now ${h.now}, ran ${h.startedAt} to ${h.finishedAt}`,
    `Deleted ${h.deleted.total}: ${h.deleted.expired} expired, ${h.deleted.stale} stale, ${h.deleted.orphaned} orphaned${unconfirmedText(h)}; ${guard}`,
  ]);
}

/** A run's entries in one output format, written in three parts: the start, each page's entries, the end. */
export interface RunEntryListing {
  start(): string;
  entries(entries: readonly ManifestEntry[]): string;
  /**
   * The end, told what was passed over: JSON carries it as `missingPages`
   * (`{ page, cause, error }`) and `malformedEntries` (`{ page, position,
   * field, id?, error }`); the table and CSV leave it to the command's stderr.
   */
  end(missing: readonly MissingManifestPage[], malformed: readonly MalformedManifestEntry[]): string;
}

/**
 * The listing of `runs show` in `format`: JSON (one document) and CSV as
 * they come, the table kept to the end.
 * @param header the run's manifest header (the JSON's `header`, the table's heading lines)
 */
export function runEntryListing(format: RunEntryListingFormat, header: RunManifestHeader): RunEntryListing {
  if (format === 'json') {
    let first = true;
    const element = (entry: ManifestEntry) => {
      const separator = first ? '' : ',';
      first = false;
      return `${separator}${jsonText(entry)}`;
    };
    return {
      start: () => `{"header":${jsonText(header)},"entries":[`,
      entries: (entries) => entries.map(element).join(''),
      end: (missing, malformed) =>
        `],"missingPages":${jsonText(missing)},"malformedEntries":${jsonText(malformed)}}\n`,
    };
  }
  if (format === 'csv') {
    return {
      start: () => listingCsvRows([ENTRY_COLUMNS]),
      entries: (entries) => listingCsvRows(entries.map(csvRow)),
      end: () => '',
    };
  }
  const rows: ListingCell[][] = [];
  return {
    start: () => '',
    entries: (entries) => {
      rows.push(...entries.map(tableRow));
      return '';
    },
    end: () => `${headerText(header)}${listingTable(ENTRY_COLUMNS, rows)}`,
  };
}
