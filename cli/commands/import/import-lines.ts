/**
 * The import itself ({@link importJsonLines}): streams the file's lines, checks each, writes the good ones in
 * batches, and counts what was written, rejected, already in the table, or not written when writing failed.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { HISTORY_ATTR } from '../../../lambdas/hygiene/data-contract';
import { HISTORY_LIMIT, historyLength } from '../../../lambdas/hygiene/history';
import { BatchItemWriter } from '../../aws/batch-import';
import { refusingJsonArray } from '../../format/json-array-refusal';
import { type JsonlLine, readJsonLines } from '../../jsonl';
import { existingOf, existingOption } from './existing';
import { checkImportLine, refusedLine } from './line-check';
import { notWrittenOf } from './not-written';
import { carryStorableNumber } from './numbers';
import { prepareTable } from './table';
import {
  type ExistingRecord,
  ImportIncompleteError,
  type ImportOptions,
  type ImportSummary,
  type RejectedLine,
} from './types';

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
