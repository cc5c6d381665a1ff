/**
 * What the run read, as counts that add up, and the warning after a whole table read with no item in it (most
 * likely not the table that holds the credentials).
 */
import type { RunSummary } from '../../hygiene/run-summary';

/**
 * What the run read, counts that add up: every item scanned is valid or invalid, every valid one active or already
 * deleted, every active one needing nothing or with actions; the exempt ones are among the active, in either group.
 */
export function countsLine(summary: RunSummary): string {
  const withActions = summary.activeValid - summary.unchanged;
  return (
    `Scanned ${summary.scanned} items: ${summary.valid} valid, ${summary.invalid.count} invalid; ` +
    `${summary.activeValid} active (${summary.unchanged} needing nothing, ${withActions} with actions; ` +
    `${summary.exempt} of them exempt), ${summary.alreadyDeleted} already deleted`
  );
}

/**
 * What the text says after a whole table read with no item in it. Expected before the first import; otherwise the
 * run read another table than the one holding the credentials — most likely a deployment whose `existingTableName`
 * was given once with `-c`, so the next deploy put a new, empty table of its own in its place — and every credential
 * goes without notices or deletions while each run completes.
 */
export const EMPTY_TABLE_LINE =
  'The table holds no credential items. Expected before the first import; otherwise this is not the table that holds the ' +
  'credentials: a deployment given existingTableName with -c once gets a new, empty table at its next deploy ' +
  '(docs/deploy.md, "Upgrading a deployment").';

/** A run that read the whole table from the top and found no item (not a resumed run's empty tail). */
export function readAnEmptyTable(summary: RunSummary): boolean {
  return summary.status === 'complete' && summary.scanned === 0 && summary.checkpoint?.resumed !== true;
}
