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
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Command } from '@commander-js/extra-typings';
import { readStoredNumber } from '../../lambdas/aws/dynamodb-client';
import { formatProblem, parseCredential } from '../../lambdas/hygiene/credential';
import { HISTORY_ATTR, isReservedId, RESERVED_ID_PREFIX } from '../../lambdas/hygiene/data-contract';
import { describeError } from '../../lambdas/hygiene/errors';
import { HISTORY_LIMIT, HISTORY_MAX_DROP, historyLength } from '../../lambdas/hygiene/history';
import { loneSurrogateProblems } from '../../lambdas/hygiene/lone-surrogates';
import type { RawItem } from '../../lambdas/hygiene/ports';
import { describeStoredValue } from '../../lambdas/hygiene/stored-value-text';
import { jsonText } from '../../lambdas/render/json-text';
import { terminalText } from '../../lambdas/render/sanitize';
import { BatchItemWriter, type BatchWriterOptions, type WriterTally } from '../aws/batch-import';
import { createTable } from '../aws/create-table';
import { itemLimitProblems, numberProblem } from '../aws/item-limits';
import { CREDENTIALS_TABLE_KEY, requireTableKind } from '../aws/table-key';
import { EXIT_CODE } from '../exit-codes';
import { refusingJsonArray } from '../format/json-array-refusal';
import { type JsonlLine, readJsonLines } from '../jsonl';
import { defineCommand } from '../options/define-command';
import { enforceOption, refuseAuditDeployment, resolveTarget } from '../options/deployment-target';
import { formatOption, RESULT_FORMATS } from '../options/formats';
import type { OptionsOf } from '../options/options-of';
import { describeTableError, withTable } from '../options/table-options';
import { withProgress } from '../progress';

/** What `import --help` says the command does. */
const DESCRIPTION =
  'Load PersonalClient records from a JSON Lines file into a table. Every line is validated; bad lines are ' +
  'reported with their line numbers and not written (exit 1). A record whose id is already in the table is not ' +
  'written either, and named (exit 1): --replace writes it, replacing the item whole (its history and pending ' +
  'notices too), and names it as replaced. Should ' +
  'writing fail, the summary says which records were not written, then the error (exit 1).';

/** A line that was not written, and why. */
export interface RejectedLine {
  readonly line: number;
  /** The record's id when it has a usable one. */
  readonly id: string | null;
  readonly problems: readonly string[];
}

/** A valid record whose id the table already held: not written, or replaced with `--replace`. */
export interface ExistingRecord {
  readonly line: number;
  readonly id: string;
}

/** What an import did. */
export interface ImportSummary {
  readonly table: string;
  readonly file: string;
  /** Records written (or, in a dry run, that would be). */
  readonly written: number;
  readonly rejected: number;
  readonly rejectedLines: readonly RejectedLine[];
  /**
   * `--dry-run`: the table was only checked to be a credentials table (its description read: no item read, nothing
   * written); {@link ImportSummary.written} then counts the records that would be, ids already in the table not
   * checked (the key keeps its name in both modes, for scripts that read it).
   */
  readonly dryRun: boolean;
  /**
   * Valid records NOT written because the table already held their id (without `--replace`): writing them
   * would replace the item whole, its history and pending notices too. Counted apart from
   * {@link ImportSummary.rejected} and {@link ImportSummary.notWritten}; the exit code is 1 as for a bad line.
   */
  readonly notReplaced: number;
  /** The records of {@link ImportSummary.notReplaced}, in file order. */
  readonly notReplacedRecords: readonly ExistingRecord[];
  /** Records written over an item with the same id (`--replace`), counted in {@link ImportSummary.written} too. */
  readonly replaced: number;
  /** The records of {@link ImportSummary.replaced}, in file order. */
  readonly replacedRecords: readonly ExistingRecord[];
  /** Whether `--create-table` created the table (false: it existed or was not asked). */
  readonly tableCreated: boolean;
  /**
   * Valid records whose `hygieneHistory` holds more than `HISTORY_LIMIT` entries (the worker never writes one):
   * written as given, not rejected; each later write drops at most `HISTORY_MAX_DROP` of the oldest until the
   * newest `HISTORY_LIMIT` remain (docs/data-model.md, "History").
   */
  readonly longHistories: number;
  /**
   * Valid records NOT written because writing failed ({@link ImportIncompleteError}):
   * those of {@link ImportSummary.notWrittenLines} plus every one from {@link ImportSummary.notWrittenFrom} on.
   * 0 when all were written.
   */
  readonly notWritten: number;
  /** Lines of records not written before {@link ImportSummary.notWrittenFrom} (a failed or throttled request's), in file order. */
  readonly notWrittenLines: readonly number[];
  /** The line where writing stopped: no record from it on was written (null: writing did not stop). */
  readonly notWrittenFrom: number | null;
}

/**
 * Writing failed: some valid records were not written (`summary` says
 * which; the others were). `writeError` is what failed (deliberately not
 * `cause`, so the table-error rewriting leaves this error whole).
 */
export class ImportIncompleteError extends Error {
  override readonly name = 'ImportIncompleteError';
  constructor(
    readonly summary: ImportSummary,
    readonly writeError: unknown,
  ) {
    super(`import incomplete: ${summary.written} record(s) written, ${summary.notWritten} not written`);
  }
}

/**
 * Numbers of the line that would not be written as the file states them, one
 * problem each: those no JavaScript number carries exactly and that
 * {@link carryStorableNumber} did not carry, because DynamoDB cannot store
 * them (`1e-400`, read as 0; more than 38 significant digits), which would
 * silently differ from the file. Named by DynamoDB's reason.
 */
function numberProblems(line: JsonlLine): string[] {
  const inexact = (line.ok && line.inexactNumbers) || [];
  return inexact.map(({ path, source, value }) => {
    const reason = numberProblem(source) ?? `the number ${source} cannot be carried exactly`;
    return `${path}: ${reason} (JSON reads it as ${value}; quote it as a string)`;
  });
}

/**
 * How `import` carries a number no JavaScript number can (inexact, or beyond
 * ±(2^53 − 1), which the AWS SDK refuses to send as a `number`): as the worker
 * reads it back from the table (`readStoredNumber`: a `bigint`, or a
 * `NumberValue` of its text), which the SDK sends as written, so the item
 * holds the file's number (`12345678901234567890` from an export, docs/data-model.md,
 * "Import and export"). `undefined` (not carried, reported) for a number
 * DynamoDB cannot store (`cli/aws/item-limits.ts`, `numberProblem`).
 */
export function carryStorableNumber(source: string): unknown {
  return numberProblem(source) === undefined ? readStoredNumber(source) : undefined;
}

/**
 * A `hygieneHistory` that is not a list, one problem: the worker's first write
 * on the credential would replace it, losing what it holds (docs/data-model.md,
 * "History"). Absent or `null` holds nothing: no problem; a list of any length
 * is written (a long one is counted: {@link ImportSummary.longHistories}).
 */
function historyProblems(raw: RawItem): string[] {
  const history = raw[HISTORY_ATTR];
  if (history === undefined || history === null || Array.isArray(history)) return [];
  return [
    `${HISTORY_ATTR}: must be a list (the credential's history, which the worker's next write would replace), ` +
      `got ${describeStoredValue(history)}`,
  ];
}

/**
 * A line whose `id` is reserved for the worker's own items (docs/data-model.md,
 * "Reserved ids"), rejected for that alone, whatever else it holds or lacks;
 * `undefined` for any other line.
 */
function reservedIdRejection(lineNumber: number, value: unknown): RejectedLine | undefined {
  const id = value !== null && typeof value === 'object' ? (value as RawItem).id : undefined;
  if (typeof id !== 'string' || !isReservedId(id)) return undefined;
  return {
    line: lineNumber,
    id,
    problems: [`id: ids starting with ${RESERVED_ID_PREFIX} are reserved for the worker's own items`],
  };
}

/** Checks one line; returns the item to write, or why it is rejected. */
export function checkImportLine(
  line: JsonlLine,
  firstLineOfId: Map<string, number>,
): { readonly item: RawItem } | { readonly rejected: RejectedLine } {
  if (!line.ok) {
    // The reader's message starts with "line N is"; the line number is reported separately.
    const problem = line.error.replace(/^line \d+ is /, '');
    return { rejected: { line: line.lineNumber, id: null, problems: [problem] } };
  }
  // Before the record is parsed: a worker's own item (an `export --include-reserved` line) is no credential,
  // and the reason to give is its id, not the credential fields it lacks.
  const reserved = reservedIdRejection(line.lineNumber, line.value);
  if (reserved !== undefined) return { rejected: reserved };
  const parsed = parseCredential(line.value);
  if (!parsed.ok) {
    return {
      rejected: { line: line.lineNumber, id: parsed.id, problems: parsed.problems.map(formatProblem) },
    };
  }
  const { id } = parsed.credential;
  // DynamoDB would store U+FFFD for a lone surrogate: the stored text would differ from the file.
  const illFormed = loneSurrogateProblems(parsed.credential.raw);
  if (illFormed.length > 0) return { rejected: { line: line.lineNumber, id, problems: illFormed } };
  const history = historyProblems(parsed.credential.raw);
  if (history.length > 0) return { rejected: { line: line.lineNumber, id, problems: history } };
  const numbers = numberProblems(line);
  if (numbers.length > 0) return { rejected: { line: line.lineNumber, id, problems: numbers } };
  // Past DynamoDB's limits the item would fail its whole batch: reject the line instead.
  const unstorable = itemLimitProblems(parsed.credential.raw);
  if (unstorable.length > 0) return { rejected: { line: line.lineNumber, id, problems: unstorable } };
  const first = firstLineOfId.get(id);
  if (first !== undefined) {
    return {
      rejected: {
        line: line.lineNumber,
        id,
        problems: [`id: duplicate of line ${first} (the first one is kept)`],
      },
    };
  }
  firstLineOfId.set(id, line.lineNumber);
  return { item: parsed.credential.raw };
}

/** The line of an item DynamoDB refused at write time (validation let it through), with DynamoDB's reason. */
function refusedLine(
  item: RawItem,
  message: string,
  firstLineOfId: ReadonlyMap<string, number>,
): RejectedLine {
  const id = String(item.id);
  return { line: firstLineOfId.get(id) ?? 0, id, problems: [`DynamoDB refused the item: ${message}`] };
}

/** Options of {@link importJsonLines}. */
export interface ImportOptions {
  readonly table: string;
  readonly file: string;
  readonly dryRun?: boolean;
  readonly createTable?: boolean;
  /** Write records whose id the table already holds, replacing those items (default: leave them out). */
  readonly replace?: boolean;
  /** Called for each record whose id the table already holds, as it is found (`replaced`: it is written). */
  readonly onExisting?: (existing: ExistingRecord, replaced: boolean) => void;
  /** Called for each rejected line as it is found. */
  readonly onRejected?: (rejected: RejectedLine) => void;
  /** Called as records are validated and written. */
  readonly onProgress?: (progress: { readonly read: number; readonly written: number }) => void;
  /** Backoff tuning for unprocessed items (tests). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Validates and writes every line of a JSON Lines file.
 * @throws {UsageError} when the file cannot be read, or is one JSON array ({@link refusingJsonArray}): nothing is
 *   written, no table created
 * @throws {ImportIncompleteError} when writing failed: some valid records were not written (the file was still read to its end)
 */
export async function importJsonLines(
  client: DynamoDBDocumentClient,
  options: ImportOptions,
): Promise<ImportSummary> {
  // exactNumbers: a number the file writes more precisely than a JavaScript number holds is carried as its
  // text when DynamoDB stores it, else a bad line.
  const lines = refusingJsonArray(
    readJsonLines(options.file, { exactNumbers: true, carryNumber: carryStorableNumber }),
    options.file,
    'import',
  );
  // Opens the file before touching the table: an unreadable file, or one JSON array, is a usage error with nothing
  // created.
  const first = await lines.next();
  // A table refused (missing, of another kind) ends the reading too: the file is closed now, not when collected.
  const tableCreated = await prepareTable(client, options).catch(async (error: unknown) => {
    await lines.return(undefined);
    throw error;
  });
  let read = 0;
  let valid = 0;
  let longHistories = 0;
  const firstLineOfId = new Map<string, number>();
  const rejectedLines: RejectedLine[] = [];
  const reject = (rejected: RejectedLine) => {
    rejectedLines.push(rejected);
    options.onRejected?.(rejected);
  };
  const existingRecords: ExistingRecord[] = [];
  const writer = options.dryRun
    ? undefined
    : new BatchItemWriter(client, options.table, {
        onWritten: (written) => options.onProgress?.({ read, written }),
        // Validation should have caught it; if DynamoDB still refuses an item, only its line is lost.
        onRefused: (item, message) => reject(refusedLine(item, message, firstLineOfId)),
        ...existingOption(options, tableCreated, firstLineOfId, existingRecords),
        ...(options.sleep && { sleep: options.sleep }),
      });
  // Writing stopped at this line (the writer refused its record): the rest is only validated.
  let stopped: { readonly line: number; readonly error: unknown } | undefined;
  let validAfterStop = 0;
  const handle = async (line: JsonlLine) => {
    read++;
    const checked = checkImportLine(line, firstLineOfId);
    if ('rejected' in checked) return reject(checked.rejected);
    valid++;
    if (historyLength(checked.item[HISTORY_ATTR]) > HISTORY_LIMIT) longHistories++;
    if (writer === undefined) return;
    if (stopped !== undefined) {
      validAfterStop++;
      return;
    }
    await writer.put(checked.item).catch((error: unknown) => {
      stopped = { line: line.lineNumber, error };
    });
  };
  if (!first.done) await handle(first.value);
  for await (const line of lines) await handle(line);
  // Every request settles before the tally is read; a stop's error is the first one.
  const writeError = await writer?.finish().then(
    () => stopped?.error,
    (error: unknown) => stopped?.error ?? error,
  );
  const tally = writer?.tally;
  const summary: ImportSummary = {
    table: options.table,
    file: options.file,
    written: tally === undefined ? valid : tally.written,
    rejected: rejectedLines.length,
    // Refusals arrive as their batches are answered: report in file order.
    rejectedLines: rejectedLines.toSorted((a, b) => a.line - b.line),
    dryRun: options.dryRun ?? false,
    tableCreated,
    longHistories,
    ...existingOf(existingRecords, options.replace ?? false),
    ...notWrittenOf(tally, firstLineOfId, stopped?.line, validAfterStop),
  };
  if (writeError !== undefined) throw new ImportIncompleteError(summary, writeError);
  return summary;
}

/**
 * Creates the table (`--create-table`) or checks it exists, before any line
 * is reported; either way a table already there must be a credentials table
 * (its key `id` and its `hygiene-outbox` index: `createTable`, `requireTableKind`), so a table of another
 * kind named by mistake (the owner directory: every credential has a
 * `userId`, which DynamoDB would take as its key) is refused before anything
 * is written to it. A dry run makes the same check and nothing else (one
 * `DescribeTable`: nothing created, no item read, nothing written), so it is refused where
 * the import would be; with `--create-table` a missing table is no refusal,
 * the import would create it (docs/data-model.md, "Import and export").
 * @returns whether the table was created (for a dry run: would be)
 */
async function prepareTable(client: DynamoDBDocumentClient, options: ImportOptions): Promise<boolean> {
  const mayBeMissing = options.createTable === true;
  // A dry run's answer is what the import would do: `true` for a missing table `--create-table` would create.
  if (options.dryRun)
    return !(await requireTableKind(client, options.table, CREDENTIALS_TABLE_KEY, { mayBeMissing }));
  if (mayBeMissing) return (await createTable(client, options.table, { ifNotExists: true })).created;
  await requireTableKind(client, options.table);
  return false;
}

/**
 * The writer's `existing` option: each batch's ids read first, and a record
 * found pushed onto `found` with its line (and written only with `--replace`).
 * None for a table just created: it holds nothing, no read is needed.
 */
function existingOption(
  options: ImportOptions,
  tableCreated: boolean,
  firstLineOfId: ReadonlyMap<string, number>,
  found: ExistingRecord[],
): Pick<BatchWriterOptions, 'existing'> {
  if (tableCreated) return {};
  const replace = options.replace ?? false;
  const onExisting = (item: RawItem) => {
    const id = String(item.id);
    const existing = { line: firstLineOfId.get(id) ?? 0, id };
    found.push(existing);
    options.onExisting?.(existing, replace);
  };
  return { existing: { replace, onExisting } };
}

/** The records already in the table, as the summary counts them: replaced, or not written. */
function existingOf(
  records: readonly ExistingRecord[],
  replaced: boolean,
): Pick<ImportSummary, 'notReplaced' | 'notReplacedRecords' | 'replaced' | 'replacedRecords'> {
  // Found as their batches are answered: report in file order.
  const inOrder = records.toSorted((a, b) => a.line - b.line);
  return {
    notReplaced: replaced ? 0 : inOrder.length,
    notReplacedRecords: replaced ? [] : inOrder,
    replaced: replaced ? inOrder.length : 0,
    replacedRecords: replaced ? inOrder : [],
  };
}

/**
 * The records not written, by line: the writer's unwritten items before the
 * line where writing stopped, and every valid record from that line on.
 */
function notWrittenOf(
  tally: WriterTally | undefined,
  firstLineOfId: ReadonlyMap<string, number>,
  stoppedAt: number | undefined,
  validAfterStop: number,
): Pick<ImportSummary, 'notWritten' | 'notWrittenLines' | 'notWrittenFrom'> {
  const unwritten = tally?.unwrittenIds ?? [];
  const lines = unwritten
    .map((id) => firstLineOfId.get(id) ?? 0)
    .filter((line) => stoppedAt === undefined || line < stoppedAt)
    .toSorted((a, b) => a - b);
  return {
    notWritten: unwritten.length + validAfterStop,
    notWrittenLines: lines,
    notWrittenFrom: stoppedAt ?? null,
  };
}

function describeRejected(rejected: RejectedLine): string {
  const who = rejected.id === null ? '' : ` (id ${rejected.id})`;
  return terminalText(`line ${rejected.line}${who}: ${rejected.problems.join('; ')}`);
}

/** Most line ranges the text summary lists (the json summary lists every line). */
const MAX_LISTED_RANGES = 10;

/** Sorted line numbers as ranges, `26-50, 77`, the list cut after {@link MAX_LISTED_RANGES}. */
export function lineRanges(lines: readonly number[]): string {
  const ranges: [number, number][] = [];
  for (const line of lines) {
    const last = ranges.at(-1);
    if (last !== undefined && line === last[1] + 1) last[1] = line;
    else ranges.push([line, line]);
  }
  const shown = ranges.slice(0, MAX_LISTED_RANGES).map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`));
  const more = ranges.length - shown.length;
  return `${shown.join(', ')}${more > 0 ? `, … (${more} more range(s): --format json lists every line)` : ''}`;
}

/** The records writing left out, as the text summary says them (empty when all were written). */
function notWrittenText(summary: ImportSummary): string {
  if (summary.notWritten === 0) return '';
  const where = [
    ...(summary.notWrittenLines.length > 0 ? [`lines ${lineRanges(summary.notWrittenLines)}`] : []),
    ...(summary.notWrittenFrom === null ? [] : [`every record from line ${summary.notWrittenFrom} on`]),
  ];
  return `; ${summary.notWritten} record(s) NOT written (${where.join('; ')})`;
}

/** The records already in the table, as the text summary says them (empty when there were none). */
function existingText(summary: ImportSummary): string {
  if (summary.replaced > 0) return ` (${summary.replaced} replaced: already in the table)`;
  if (summary.notReplaced === 0) return '';
  return `; ${summary.notReplaced} record(s) already in the table, NOT replaced (--replace replaces them)`;
}

/** One record already in the table, as stderr names it. */
function describeExisting(existing: ExistingRecord, replaced: boolean): string {
  const what = replaced ? 'replaced' : 'not replaced, already in the table';
  return terminalText(`${what}: line ${existing.line} (id ${existing.id})`);
}

/** The warning line for records with a history longer than the worker keeps, or `undefined` when there are none. */
function longHistoriesWarning(summary: Pick<ImportSummary, 'longHistories'>): string | undefined {
  if (summary.longHistories === 0) return undefined;
  return (
    `${summary.longHistories} record(s) hold a ${HISTORY_ATTR} of more than ${HISTORY_LIMIT} entries: ` +
    `later writes drop the oldest, at most ${HISTORY_MAX_DROP} a write, until the newest ${HISTORY_LIMIT} remain`
  );
}

/** Prints the summary on stdout: one line, or one JSON object (with the write error, when there was one). */
function printSummary(summary: ImportSummary, format: string, error: unknown): void {
  if (format === 'json') {
    const failed = error === undefined ? {} : { error: describeError(error).message };
    process.stdout.write(`${jsonText({ ...summary, ...failed })}\n`);
    return;
  }
  const verb = summary.dryRun ? 'would import' : 'imported';
  const rejected = summary.rejected === 0 ? '' : `; ${summary.rejected} line(s) rejected, not written`;
  process.stdout.write(
    `${verb} ${summary.written} record(s) into ${summary.table}${tableNote(summary)}${existingText(summary)}` +
      `${notWrittenText(summary)}${rejected}\n`,
  );
}

/**
 * What the text summary says of the table after its name: created, or for a dry run what it did not check (the ids
 * already in the table: the import leaves those records out, or replaces them); empty otherwise.
 */
function tableNote(summary: Pick<ImportSummary, 'dryRun' | 'tableCreated'>): string {
  if (summary.dryRun)
    return summary.tableCreated ? ' (table would be created)' : ' (ids already in the table not checked)';
  return summary.tableCreated ? ' (table created)' : '';
}

async function runImport(file: string, options: ImportCommandOptions): Promise<void> {
  const target = await resolveTarget(options, { usesConfig: false });
  if (!options.dryRun)
    refuseAuditDeployment(target, options.enforce, 'import', ', or --dry-run to validate only');
  const outcome = await withProgress({ label: 'import', unit: 'records written' }, (progress) =>
    withTable(
      target,
      (client) =>
        importJsonLines(client, {
          table: target.table,
          file,
          dryRun: options.dryRun,
          createTable: options.createTable,
          replace: options.replace,
          onProgress: (p) => progress.update(p.written),
          onRejected:
            options.format === 'table'
              ? (rejected) => {
                  progress.clear();
                  process.stderr.write(`pc-hygiene import: rejected ${describeRejected(rejected)}\n`);
                }
              : undefined,
          onExisting:
            options.format === 'table'
              ? (existing, replaced) => {
                  progress.clear();
                  process.stderr.write(`pc-hygiene import: ${describeExisting(existing, replaced)}\n`);
                }
              : undefined,
        }).then(
          (summary) => ({ summary, error: undefined }),
          (error: unknown) => {
            if (!(error instanceof ImportIncompleteError)) throw error;
            // The summary first, then the error as for any other (a missing table, DynamoDB unreachable: one line).
            return { summary: error.summary, error: describeTableError(error.writeError, target) };
          },
        ),
      // `prepareTable` checks it, on a dry run too: --create-table may find none, and need not.
      'checked by the work',
    ),
  );
  printSummary(outcome.summary, options.format, outcome.error);
  const warning = longHistoriesWarning(outcome.summary);
  // A note, not a failure: the exit code stays as it was (`--format json` has the count as `longHistories`).
  if (warning !== undefined && options.format === 'table') {
    process.stderr.write(`pc-hygiene import: warning: ${warning}\n`);
  }
  if (outcome.error !== undefined) throw outcome.error;
  // Rejected lines, or records left out for an id already in the table, mean the file was not fully loaded:
  // a script must notice.
  if (outcome.summary.rejected > 0 || outcome.summary.notReplaced > 0) process.exitCode = EXIT_CODE.failure;
}

/** `import` and its flags. */
function defineImportCommand(program: Command) {
  return defineCommand(program, 'import', DESCRIPTION, 'table', (command) =>
    command
      .argument('<file>', 'JSON Lines file, one PersonalClient record per line')
      .option('--create-table', 'create the table (key, outbox index, TTL) when it does not exist')
      .option(
        '--replace',
        'write records whose id is already in the table, replacing those items whole (their history and pending notices too)',
      )
      .option(
        '--dry-run',
        'validate the file and check the table is a credentials table; write nothing (ids already in the table are not checked)',
      )
      .addOption(enforceOption())
      .addOption(formatOption(RESULT_FORMATS, 'summary format')),
  );
}

type ImportCommandOptions = OptionsOf<ReturnType<typeof defineImportCommand>>;

/** Registers `import` on the program. */
export function registerImportCommand(program: Command): void {
  defineImportCommand(program).action(async (file, options) => runImport(file, options));
}
