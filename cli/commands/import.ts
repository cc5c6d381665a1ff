/**
 * `pc-hygiene import FILE.jsonl`: loads PersonalClient records into a table.
 * Every line is validated with the same parser the sweep uses, and against
 * DynamoDB's item limits (size, numbers, nesting: cli/aws/item-limits.ts), so
 * one line cannot fail the 25-item batch it would travel in; bad lines are
 * reported with their line numbers and NOT written; good lines are written
 * with BatchWriteItem (unprocessed items retried with backoff). Should
 * DynamoDB still refuse an item, its batch is rewritten item by item and only
 * that line is reported, the import going on (exit 1 as for any bad line).
 * Any other write error (throttling past the SDK's retries, the network,
 * access) stops the writing, not the reading: the rest of the file is still
 * validated, and the summary says how many records were written and which
 * were not (by line: the failed requests' lines, and every record from the
 * line where writing stopped), then the error, exit 1. Items still
 * unprocessed after every retry are counted as not written, never as written.
 * A string or attribute name with a lone UTF-16 surrogate is a bad line
 * (DynamoDB would store U+FFFD instead: `lambdas/hygiene/lone-surrogates.ts`), and so is
 * a line that is not UTF-8, one that repeats a key in an object, and one with
 * a number no JavaScript number carries exactly that DynamoDB cannot store
 * either (`1e-400`, read as 0: `cli/strict-json.ts`, `exactNumbers`); one
 * DynamoDB stores (`12345678901234567890`, as `export` writes it) is sent as
 * its text ({@link carryStorableNumber}).
 * A record whose `hygieneHistory` is longer than the worker keeps is written
 * as given but counted, with a warning: later writes drop its oldest entries
 * until the newest `HISTORY_LIMIT` remain (docs/data-model.md, "History"); one
 * whose history is not a list is a bad line (the worker's next write would
 * replace it, losing what it holds).
 * A record whose id the table already holds is not written, and is named
 * (exit 1, as for a bad line): writing it would replace the credential whole,
 * its history, pending notices and purge hold with it (docs/data-model.md,
 * "History"). With `--replace` it is written and named as replaced. Each batch
 * of 25 is read first (`BatchItemWriter`'s `existing`), except in a table
 * `--create-table` has just created.
 * The file is streamed, so memory does not grow with its size (apart from the
 * ids seen, kept to refuse duplicates). The table must be a credentials table
 * (its key `id` and its `hygiene-outbox` index), with or without `--create-table`: another kind is refused
 * before anything is written (`prepareTable`), and so is it by `--dry-run`, which
 * reads the table's description only (not which ids it holds: its summary says so).
 *
 * Here: the entry, {@link registerImportCommand}, and the names other modules import, re-exported from its parts in
 * `import/` so its importers need not know them: the shapes of a request, its summary and its error (`types.ts`), the
 * file's numbers (`numbers.ts`), the check of one line and the line DynamoDB refused (`line-check.ts`), the table
 * made ready (`table.ts`), the records already in the table (`existing.ts`), the records not written
 * (`not-written.ts`), the import itself (`import-lines.ts`), the stderr lines (`stderr-lines.ts`), the summary on
 * stdout (`summary-text.ts`), the flags and options (`options.ts`), and the sequence of one run (`run.ts`).
 */
import type { Command } from '@commander-js/extra-typings';
import { defineImportCommand } from './import/options';
import { runImport } from './import/run';

export { importJsonLines } from './import/import-lines';
export { checkImportLine } from './import/line-check';
export { carryStorableNumber } from './import/numbers';
export { lineRanges } from './import/summary-text';
export type { ExistingRecord, ImportOptions, ImportSummary, RejectedLine } from './import/types';
export { ImportIncompleteError } from './import/types';

/** Registers `import` on the program. */
export function registerImportCommand(program: Command): void {
  defineImportCommand(program).action(async (file, options) => runImport(file, options));
}
