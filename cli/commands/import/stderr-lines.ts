/**
 * What `pc-hygiene import` says on stderr as it goes (`--format table`): each line rejected, each record already in
 * the table, and the warning for histories longer than the worker keeps. Stored text is shown through `terminalText`.
 */
import { HISTORY_ATTR } from '../../../lambdas/hygiene/data-contract';
import { HISTORY_LIMIT, HISTORY_MAX_DROP } from '../../../lambdas/hygiene/history';
import { terminalText } from '../../../lambdas/render/sanitize';
import type { ExistingRecord, ImportSummary, RejectedLine } from './types';

/** One rejected line, as stderr names it: its number, its id when it has a usable one, and its problems. */
export function describeRejected(rejected: RejectedLine): string {
  const who = rejected.id === null ? '' : ` (id ${rejected.id})`;
  return terminalText(`line ${rejected.line}${who}: ${rejected.problems.join('; ')}`);
}

/** One record already in the table, as stderr names it. */
export function describeExisting(existing: ExistingRecord, replaced: boolean): string {
  const what = replaced ? 'replaced' : 'not replaced, already in the table';
  return terminalText(`${what}: line ${existing.line} (id ${existing.id})`);
}

/** The warning line for records with a history longer than the worker keeps, or `undefined` when there are none. */
export function longHistoriesWarning(summary: Pick<ImportSummary, 'longHistories'>): string | undefined {
  if (summary.longHistories === 0) return undefined;
  return (
    `${summary.longHistories} record(s) hold a ${HISTORY_ATTR} of more than ${HISTORY_LIMIT} entries: ` +
    `later writes drop the oldest, at most ${HISTORY_MAX_DROP} a write, until the newest ${HISTORY_LIMIT} remain`
  );
}
