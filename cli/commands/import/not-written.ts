/**
 * The records `pc-hygiene import` did not write when writing failed, as its summary counts them, by line.
 */
import type { WriterTally } from '../../aws/batch-import';
import type { ImportSummary } from './types';

/**
 * The records not written, by line: the writer's unwritten items before the
 * line where writing stopped, and every valid record from that line on.
 */
export function notWrittenOf(
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
