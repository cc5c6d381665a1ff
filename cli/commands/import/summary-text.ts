/**
 * `pc-hygiene import`'s summary on stdout: one line of text (the lines not written as ranges), or one JSON object.
 */
import { describeError } from '../../../lambdas/hygiene/errors';
import { jsonText } from '../../../lambdas/render/json-text';
import type { ImportSummary } from './types';

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

/** Prints the summary on stdout: one line, or one JSON object (with the write error, when there was one). */
export function printSummary(summary: ImportSummary, format: string, error: unknown): void {
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
